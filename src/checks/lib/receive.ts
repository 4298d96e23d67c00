/**
 * The one receive-matching rule of every check that matches `receive` (http family, simpletcp,
 * ldap, ftp, dns): the pattern is compiled once, without flags, and applied the way Perl applies
 * an unflagged /receive/ in ldirectord - `$` also matches before a final newline, so `^OK$`
 * matches "OK\n". Checks never compile or test a receive pattern themselves.
 *
 * The engine is RE2 (src/util/receive-pattern.ts): linear in the text, so no body a server
 * sends can hold the event loop (issue 16). The loader refuses what RE2 cannot run.
 */
import { compileReceivePattern, isPatternError } from '../../util/receive-pattern.js';

/** Receive is a compiled receive pattern. */
export interface Receive {
  /** The pattern as configured. */
  readonly source: string;
  /** matches applies the pattern to `text` with Perl's `$` rule. */
  matches(text: string): boolean;
}

/**
 * compileReceive compiles a receive string, or returns the reason it is invalid. An invalid
 * pattern is a down result with that reason, never a crash (ldirectord L3056 dies); the config
 * loader refuses such patterns first, so this only shows for specs built some other way.
 * What an empty receive means is each check's business (match anything / always down).
 */
export function compileReceive(source: string): Receive | string {
  const re = compileReceivePattern(source);
  if (isPatternError(re)) return `invalid receive regex: ${re.message}`;
  return {
    source,
    // RE2 without g/y keeps no lastIndex state between calls.
    matches: (text) => re.test(text) || (text.endsWith('\n') && re.test(text.slice(0, -1))),
  };
}
