/**
 * Chooses and opens the logger for one invocation, following ldirectord's ld_log (L4494-4524):
 * `-d` -> stderr; supervised -> stdout; logfile="/path" -> file; anything else -> syslog facility.
 */
import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/log.js';
import { debugLogger, supervisedLogger } from './log-console.js';
import { openFileLogger } from './log-file.js';
import { openSyslogLogger } from './log-syslog.js';

/** ClosableLogger is a Logger holding a resource (the syslog socket) to release on exit. */
export interface ClosableLogger extends Logger {
  close(): void;
  /** flush writes what a batching logger holds (before readiness is reported: start's caller reads the log). */
  flush?(): void;
}

/** LogSetup is everything the logger choice depends on. */
export interface LogSetup {
  readonly debug: boolean;
  readonly supervised: boolean;
  /** GlobalConfig.logfile: a path (leading '/') or a syslog facility name. */
  readonly logfile: string;
  /** CFGNAME, written into file log lines. */
  readonly name: string;
  readonly pid: number;
  readonly clock: Clock;
  /** The daemon's file logger writes a turn's lines at once (log-file.ts); a CLI run writes each line. */
  readonly batch?: boolean;
  /** Syslog socket (default /dev/log; LDIRECTORD_SYSLOG_SOCKET for tests). */
  readonly syslogSocket: string;
  readonly stdout: (s: string) => void;
  readonly stderr: (s: string) => void;
}

/** openLogger opens the logger `setup` describes; throws LdError LD_ERR_LOGFILE if it cannot. */
export async function openLogger(setup: LogSetup): Promise<ClosableLogger> {
  if (setup.debug) return debugLogger(setup.stderr);
  if (setup.supervised) return supervisedLogger(setup.stdout, setup.clock);
  if (setup.logfile.startsWith('/')) {
    return openFileLogger({ path: setup.logfile, name: setup.name, pid: setup.pid, clock: setup.clock, fallback: setup.stderr, batch: setup.batch === true });
  }
  return openSyslogLogger({
    facility: setup.logfile, socketPath: setup.syslogSocket, pid: setup.pid, clock: setup.clock, fallback: setup.stderr,
  });
}

/** stderrLogger logs raw lines to stderr: used before a config (and so a log target) exists. */
export function stderrLogger(stderr: (s: string) => void): ClosableLogger {
  const raw = (m: string): void => stderr(`${m}\n`);
  return { error: raw, warn: raw, info: raw, debug: () => {}, close: () => {} };
}

/** silentLogger drops everything (a CLI run whose config, and so log target, is unusable). */
export function silentLogger(): ClosableLogger {
  return { error() {}, warn() {}, info() {}, debug() {}, close() {} };
}

/**
 * SwitchableLogger forwards to a target that a reload can replace (a changed logfile= takes
 * effect on reload, as ld_openlog does in read_config), while the engine keeps one reference.
 */
export class SwitchableLogger implements ClosableLogger {
  #target: ClosableLogger;
  constructor(target: ClosableLogger) {
    this.#target = target;
  }
  /** swap installs `next` and closes the previous target. */
  swap(next: ClosableLogger): void {
    const prev = this.#target;
    this.#target = next;
    if (prev !== next) prev.close();
  }
  flush(): void { this.#target.flush?.(); }
  error(m: string): void { this.#target.error(m); }
  warn(m: string): void { this.#target.warn(m); }
  info(m: string): void { this.#target.info(m); }
  debug(m: string, level?: number): void { this.#target.debug(m, level); }
  debugEnabled(): boolean { return this.#target.debugEnabled?.() ?? false; }
  close(): void { this.#target.close(); }
}
