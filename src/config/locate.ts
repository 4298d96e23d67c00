/**
 * Config file lookup (ldirectord L985-1012, reference §1.1): /etc/ha.d/NAME,
 * /etc/ha.d/conf/NAME, ./NAME; then, as an extension, NAME.cf in the same places.
 */
import { statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { DEFAULTS } from './defaults.js';

/** LocateOptions overrides the search directories and the working directory. */
export interface LocateOptions {
  /** Replaces ['/etc/ha.d', '/etc/ha.d/conf'] (the CLI passes LDIRECTORD_CONFDIR or an option). */
  readonly confDirs?: readonly string[];
  readonly cwd?: string;
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

/** resolveConfigPath returns the absolute path of the first existing candidate, or undefined. */
export function resolveConfigPath(arg: string, opts: LocateOptions = {}): string | undefined {
  const cwd = opts.cwd ?? process.cwd();
  if (isAbsolute(arg)) return isFile(arg) ? arg : undefined;
  const dirs = opts.confDirs ?? DEFAULTS.confDirs;
  const names = arg.endsWith('.cf') ? [arg] : [arg, `${arg}.cf`];
  for (const name of names) {
    for (const candidate of [...dirs.map((d) => join(d, name)), resolve(cwd, name)]) {
      if (isFile(candidate)) return resolve(cwd, candidate);
    }
  }
  return undefined;
}
