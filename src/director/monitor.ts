/**
 * monitorfile lines in the original's exact format (ldirectord L3890-3948):
 *   [<ctime>] [<pid>] <real id, ':' runs -> ' ', '\' removed> [up|down] <msg with %|CR LF as %xx>
 */
import type { CheckKind } from '../checks/types.js';

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** perlCtime is Perl's scalar localtime(): `Wed Nov 25 02:03:13 2026` (day padded with a space). */
export function perlCtime(ms: number): string {
  const d = new Date(ms);
  const p2 = (n: number): string => String(n).padStart(2, '0');
  return `${DAYS[d.getDay()]} ${MONTHS[d.getMonth()]} ${String(d.getDate()).padStart(2, ' ')} ` +
    `${p2(d.getHours())}:${p2(d.getMinutes())}:${p2(d.getSeconds())} ${d.getFullYear()}`;
}

/** escapeMsg is `s/([%|\r\n])/sprintf("%%%.2x", ord($1))/eg`. */
export function escapeMsg(msg: string): string {
  return msg.replace(/[%|\r\n]/g, (c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** monitorLine renders one line (with its trailing newline). */
export function monitorLine(nowMs: number, pid: number, realId: string, up: boolean, msg: string | undefined): string {
  const id = realId.replace(/:+/g, ' ').replace(/\\/g, '');
  return `[${perlCtime(nowMs)}] [${pid}] ${id} [${up ? 'up' : 'down'}] ${escapeMsg(msg ?? '-')}\n`;
}

/**
 * monitorLogs says whether a result is written: on and external-perl never are, and a failed
 * ping is not either (ldirectord passes do_log only on those paths).
 */
export function monitorLogs(kind: CheckKind | 'maintenance', up: boolean): boolean {
  if (kind === 'on' || kind === 'off' || kind === 'external-perl') return false;
  if (kind === 'ping' && !up) return false;
  return true;
}
