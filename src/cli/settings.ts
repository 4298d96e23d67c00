/**
 * Settings the CLI takes from options and the environment, with the production defaults. The
 * environment variables exist so tests (and packagers) can move every path without changing the
 * command line, which must stay `ldirectord <config> start` for the OCF agent's pgrep.
 */
import type { RunArgs } from './args.js';

/** Settings: where to look and how long to wait. */
export interface Settings {
  /** Config search directories; undefined = the loader's default (/etc/ha.d, /etc/ha.d/conf). */
  readonly confDirs?: readonly string[];
  readonly pidDir: string;
  readonly stopTimeoutMs: number;
  readonly startTimeoutMs: number;
  readonly syslogSocket: string;
}

/** DEFAULT_SETTINGS: /var/run as the original (L1023), 60 s bounds, /dev/log. */
export const DEFAULT_SETTINGS = Object.freeze({
  pidDir: '/var/run',
  stopTimeoutSeconds: 60,
  startTimeoutSeconds: 60,
  syslogSocket: '/dev/log',
});

function seconds(value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  return Number.isFinite(n) && n >= 0 ? n : fallback;
}

function dirs(value: string | undefined): string[] | undefined {
  if (value === undefined || value === '') return undefined;
  const list = value.split(':').filter((d) => d !== '');
  return list.length ? list : undefined;
}

/** settingsFrom merges options (which win) over the environment over the defaults. */
export function settingsFrom(args: RunArgs, env: NodeJS.ProcessEnv): Settings {
  return {
    confDirs: dirs(args.confdir ?? env.LDIRECTORD_CONFDIR),
    pidDir: args.piddir || env.LDIRECTORD_PIDDIR || DEFAULT_SETTINGS.pidDir,
    stopTimeoutMs: 1000 * (args.stopTimeout ?? seconds(env.LDIRECTORD_STOP_TIMEOUT, DEFAULT_SETTINGS.stopTimeoutSeconds)),
    startTimeoutMs: 1000 * seconds(env.LDIRECTORD_START_TIMEOUT, DEFAULT_SETTINGS.startTimeoutSeconds),
    syslogSocket: env.LDIRECTORD_SYSLOG_SOCKET || DEFAULT_SETTINGS.syslogSocket,
  };
}

/** Internal variables that mark (and configure) the detached daemon child; never inherited further. */
export const CHILD_ENV = Object.freeze({
  marker: 'LDIRECTORD_DAEMON_CHILD',
  config: 'LDIRECTORD_DAEMON_CONFIG',
  /** The parent's parsed RunArgs as JSON: the child need not load yargs (~1 s in the kernel lab). */
  args: 'LDIRECTORD_DAEMON_ARGS',
  /** The pid of the `start` that holds the pid file until the child takes it over. */
  parent: 'LDIRECTORD_DAEMON_PARENT',
});

/** READY_FD is the pipe on which the detached child reports readiness to `start`. */
export const READY_FD = 3;

