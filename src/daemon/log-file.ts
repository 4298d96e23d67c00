/**
 * The ldirectord log file: `[<ctime>|<CFGNAME>|<pid>] <msg>` lines appended to a path.
 *
 * Like the original (L4509-4516) the file is opened, appended to and closed for every message.
 * ldirectord logs a few lines per state change, so the cost is negligible, and it means
 * logrotate (move, or copytruncate) needs no signal: the next line simply lands in the new file.
 * A kept-open descriptor would need a reopen-on-rotate dance (stat + compare inode per line)
 * to get the same property.
 */
import { appendFailure, appendNoFollowSync } from '../util/append-no-follow.js';
import { DaemonError } from '../util/errors.js';
import type { Clock } from '../util/clock.js';
import type { ClosableLogger } from './logger.js';
import { ctime } from '../util/ctime.js';

/** FileLogOptions: what goes into each line, and where a failed write is reported. */
export interface FileLogOptions {
  readonly path: string;
  readonly name: string;
  readonly pid: number;
  readonly clock: Clock;
  /**
   * Write the lines of one event-loop turn with one open-append-close after the turn (the
   * daemon, whose exit paths close the logger); otherwise each line at once (a CLI run).
   */
  readonly batch?: boolean;
  /** Where a line goes when the file cannot be written (ldirectord L4513: STDERR). */
  readonly fallback: (line: string) => void;
}

/**
 * openFileLogger checks that the file can be opened for append (ldirectord ld_openlog) and
 * returns the logger; an unopenable file is an LD_ERR_LOGFILE error naming the reason.
 */
export function openFileLogger(opts: FileLogOptions): ClosableLogger {
  try {
    // Never through a symlink (a dangling one would create its target): O_NOFOLLOW.
    appendNoFollowSync(opts.path, '');
  } catch (e) {
    throw new DaemonError('LD_ERR_LOGFILE', `Can not open logfile ${opts.path}: ${appendFailure(e)}`, { cause: e });
  }
  const append = (lines: string, msgs: readonly string[]): void => {
    try {
      appendNoFollowSync(opts.path, lines);
    } catch {
      // A symlink planted after start is refused here too; the lines go to the fallback.
      for (const m of msgs) opts.fallback(`${m}\n`);
    }
  };
  // The lines of one event-loop turn share one open-append-close (clock.afterIo): a round in
  // which 1,000 reals change state logs thousands of lines, and three syscalls per line were a
  // quarter of a flapping daemon's CPU on the host (far more where syscalls are dear, as in
  // the kernel lab). Each batch still opens the file by name, so rotation needs no signal.
  let lines: string[] = [];
  let msgs: string[] = [];
  const flush = (): void => {
    if (lines.length === 0) return;
    const text = lines.join('');
    const ms = msgs;
    lines = [];
    msgs = [];
    append(text, ms);
  };
  const afterIo = opts.batch ? opts.clock.afterIo : undefined;
  const write = (msg: string): void => {
    const line = `[${ctime(opts.clock.now())}|${opts.name}|${opts.pid}] ${msg}\n`;
    if (!afterIo) { append(line, [msg]); return; }
    lines.push(line);
    msgs.push(msg);
    if (lines.length === 1) afterIo.call(opts.clock, flush);
  };
  return {
    error: write,
    warn: write,
    info: write,
    // The original's debug output only exists with -d, which logs to stderr instead.
    debug: () => {},
    // Whatever this turn logged is written before the process goes (exit paths close the logger).
    close: flush,
    flush,
  };
}
