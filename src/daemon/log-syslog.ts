/**
 * Syslog logging for `logfile="local0"` (any value without a leading '/'): the original calls
 * Sys::Syslog setlogsock("unix"); openlog("ldirectord", "pid", FACILITY); syslog("info", msg)
 * (L4482-4485, L4518-4521). Node has no unix datagram sockets, so this uses the small native
 * `unix-dgram` package and writes what glibc's syslog(3) writes to /dev/log:
 *   <PRI>Mmm dd hh:mm:ss ldirectord[PID]: message
 * Messages are sent with sendto() on an unconnected socket, so a restarted syslog daemon is
 * picked up by the next message without any reconnect logic.
 */
import { statSync } from 'node:fs';
import { DaemonError } from '../util/errors.js';
import type { Clock } from '../util/clock.js';
import type { ClosableLogger } from './logger.js';
import { syslogTime } from '../util/ctime.js';

/** FACILITIES maps syslog facility names (syslog.h) to their codes. */
export const FACILITIES: Readonly<Record<string, number>> = Object.freeze({
  kern: 0, user: 1, mail: 2, daemon: 3, auth: 4, syslog: 5, lpr: 6, news: 7, uucp: 8, cron: 9,
  authpriv: 10, ftp: 11, local0: 16, local1: 17, local2: 18, local3: 19, local4: 20, local5: 21,
  local6: 22, local7: 23,
});

/** SEVERITY maps our logger levels to syslog priorities (the original always used info). */
export const SEVERITY = Object.freeze({ error: 3, warn: 4, info: 6, debug: 7 });

/** syslogLine renders one datagram (RFC 3164 as written by glibc to the local socket). */
export function syslogLine(facility: number, severity: number, ms: number, pid: number, msg: string): string {
  return `<${facility * 8 + severity}>${syslogTime(ms)} ldirectord[${pid}]: ${msg}`;
}

/** SyslogOptions: the facility name as written in logfile=, and the socket (default /dev/log). */
export interface SyslogOptions {
  readonly facility: string;
  readonly socketPath: string;
  readonly pid: number;
  readonly clock: Clock;
  readonly fallback: (line: string) => void;
}

/** openSyslogLogger validates the facility and the socket, then returns the logger. */
export async function openSyslogLogger(opts: SyslogOptions): Promise<ClosableLogger> {
  const facility = FACILITIES[opts.facility.toLowerCase()];
  if (facility === undefined) {
    throw new DaemonError('LD_ERR_LOGFILE', `Can not open logfile ${opts.facility}: not a path and not a syslog facility`);
  }
  try {
    if (!statSync(opts.socketPath).isSocket()) throw Object.assign(new Error('not a socket'), { code: 'ENOTSOCK' });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new DaemonError('LD_ERR_LOGFILE', `Can not log to syslog via ${opts.socketPath}: ${err.code ?? err.message}`, { cause: e });
  }
  let unix: typeof import('unix-dgram').default;
  try {
    unix = (await import('unix-dgram')).default;
  } catch (e) {
    throw new DaemonError('LD_ERR_LOGFILE', `Can not log to syslog: unix-dgram unavailable: ${(e as Error).message}`, { cause: e });
  }
  const sock = unix.createSocket('unix_dgram');
  // Errors are reported per send through the callback; this only keeps a stray one from crashing.
  sock.on('error', () => {});
  let closed = false;
  const send = (severity: number, msg: string): void => {
    if (closed) return;
    const buf = Buffer.from(syslogLine(facility, severity, opts.clock.now(), opts.pid, msg));
    sock.send(buf, 0, buf.length, opts.socketPath, (err) => {
      if (err) opts.fallback(`${msg}\n`);
    });
  };
  return {
    error: (m) => send(SEVERITY.error, m),
    warn: (m) => send(SEVERITY.warn, m),
    info: (m) => send(SEVERITY.info, m),
    debug: () => {},
    close: () => {
      if (!closed) { closed = true; sock.close(); }
    },
  };
}
