/**
 * monitorfile lines in the original's exact format (ldirectord L3890-3948):
 *   [<ctime>] [<pid>] <real id, ':' runs -> ' ', '\' removed> [up|down] <msg with %|CR LF as %xx>
 */
import type { CheckKind } from '../checks/types.js';
import { ctime } from '../util/ctime.js';


/** escapeMsg is `s/([%|\r\n])/sprintf("%%%.2x", ord($1))/eg`. */
export function escapeMsg(msg: string): string {
  return msg.replace(/[%|\r\n]/g, (c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** monitorLine renders one line (with its trailing newline). */
export function monitorLine(nowMs: number, pid: number, realId: string, up: boolean, msg: string | undefined): string {
  const id = realId.replace(/:+/g, ' ').replace(/\\/g, '');
  return `[${ctime(nowMs)}] [${pid}] ${id} [${up ? 'up' : 'down'}] ${escapeMsg(msg ?? '-')}\n`;
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
