/**
 * The one place a `receive` string becomes a pattern, shared by the config validator (load time)
 * and the checks (run time), so a pattern the engine cannot run is a config error at its
 * file:line and never a surprise at check time. Pure: no I/O, no state.
 *
 * Patterns run on RE2 (the `re2` binding), not on V8's backtracking RegExp: a server's body is
 * untrusted input, and `Test.*Page` against 1 MiB of "Test" blocked the event loop for 210 s on
 * V8 (issue 16) where RE2 takes ~2 ms. RE2 is linear in the body; its constant grows with the
 * pattern's size, so large counted repetitions are refused (MAX_REPEAT). docs/reliability.md
 * has the figures behind every choice here.
 */
import RE2 from 're2';

/**
 * MAX_REPEAT bounds `{n,m}` (multiplied through nested groups). Measured on a 1 MiB body that
 * defeats RE2's DFA: `a[ab]{40}c` 15 ms, `a[ab]{50}c` 0.6 s, `a[ab]{200}c` 1.9 s.
 */
export const MAX_REPEAT = 32;

/** ReceivePattern is a compiled receive string: `test` is linear in the text. */
export interface ReceivePattern {
  test(text: string): boolean;
}

/** PatternError says why a receive string is refused; `message` names the offending syntax. */
export interface PatternError {
  readonly error: 'perl-only' | 'invalid' | 'too-large';
  readonly message: string;
}

/**
 * perlOnly finds Perl syntax the loader refuses although RE2 might compile it: `\Z` and `\G`
 * (RE2 has neither), and `\A`, `\z`, `\Q...\E`, `[[:class:]]`, which JavaScript RegExp (the
 * engine before RE2) read differently, so they never worked here and stay refused.
 */
export function perlOnly(source: string): string | undefined {
  for (let i = 0; i < source.length; i++) {
    if (source[i] === '\\') {
      const c = source[i + 1];
      if (c !== undefined && 'AZzQEG'.includes(c)) return `\\${c}`;
      i++;
    } else if (source.startsWith('[[:', i)) return '[[:class:]]';
  }
  return undefined;
}

/**
 * repeatProduct is the largest repetition count of any atom: `{n,m}` counts m (n + 1 for
 * `{n,}`), nested counted groups multiply. Only what RE2 reads as a counted repetition counts;
 * a `{` that is not one is a literal, as in RE2.
 */
export function repeatProduct(source: string): number {
  let i = 0;
  const count = (): number => {
    const m = /^\{(\d+)(,(\d*))?\}/.exec(source.slice(i, i + 24));
    if (m === null) return 1;
    i += m[0].length;
    const lo = Number(m[1]);
    return m[2] === undefined ? lo : m[3] === '' ? lo + 1 : Math.max(lo, Number(m[3]));
  };
  const seq = (): number => {
    let worst = 1;
    while (i < source.length && source[i] !== ')') {
      let atom = 1;
      const c = source[i++];
      if (c === '\\') i++;
      else if (c === '[') {
        // A class ends at the first `]` that is not its first member and not escaped.
        if (source[i] === '^') i++;
        if (source[i] === ']') i++;
        while (i < source.length && source[i] !== ']') i += source[i] === '\\' ? 2 : 1;
        i++;
      } else if (c === '(') {
        atom = seq();
        i++;
      }
      if (source[i] === '{') atom *= count();
      worst = Math.max(worst, atom);
    }
    return worst;
  };
  let worst = 1;
  while (i < source.length) {
    worst = Math.max(worst, seq());
    i++; // an unbalanced `)`: RE2 refuses the pattern anyway
  }
  return worst;
}

/** compileReceivePattern compiles a receive string for RE2, or says why it is refused. */
export function compileReceivePattern(source: string): ReceivePattern | PatternError {
  const perl = perlOnly(source);
  if (perl !== undefined) return { error: 'perl-only', message: `Perl-only regex syntax ${perl}, which is not supported` };
  let re: RE2;
  try {
    re = new RE2(source);
  } catch (e) {
    return { error: 'invalid', message: e instanceof Error ? e.message : String(e) };
  }
  const n = repeatProduct(source);
  if (n > MAX_REPEAT) {
    return { error: 'too-large', message: `a counted repetition of ${n} exceeds ${MAX_REPEAT} (its matching cost grows with the count)` };
  }
  return re;
}

/** isPatternError tells a refused pattern from a compiled one. */
export function isPatternError(p: ReceivePattern | PatternError): p is PatternError {
  return 'error' in p;
}
