/**
 * Console loggers for the two foreground modes (ldirectord ld_log L4500-4508, ld_debug L4736):
 *  - `-d`: the raw message on stderr, plus `DEBUG<n>: msg` lines for debug levels up to 3;
 *  - `supervised=yes`: `[<ctime>] msg` on stdout (daemontools / systemd capture it).
 */
import type { Clock } from '../util/clock.js';
import type { ClosableLogger } from './logger.js';
import { ctime } from '../util/ctime.js';

/** The original sets DEBUG=3 for -d and prints every ld_debug level up to it. */
export const DEBUG_LEVEL = 3;

/** debugLogger writes to `err` (stderr) as ldirectord -d does. */
export function debugLogger(err: (s: string) => void): ClosableLogger {
  const raw = (m: string): void => err(`${m}\n`);
  return {
    error: raw,
    warn: raw,
    info: raw,
    debug: (m, level = 1) => {
      if (level <= DEBUG_LEVEL) err(`DEBUG${level}: ${m}\n`);
    },
    debugEnabled: () => true,
    close: () => {},
  };
}

/** supervisedLogger writes `[<ctime>] msg` to `out` (stdout). */
export function supervisedLogger(out: (s: string) => void, clock: Clock): ClosableLogger {
  const line = (m: string): void => out(`[${ctime(clock.now())}] ${m}\n`);
  return { error: line, warn: line, info: line, debug: () => {}, close: () => {} };
}
