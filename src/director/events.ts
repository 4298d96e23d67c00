/**
 * Turning applied IpvsOps into the original's log lines and alert mails (ldirectord L4030-4135,
 * L4395-4422), so that what is logged is what was really written to the kernel.
 */
import type { IpvsOp } from '../ipvs/types.js';
import { hostPort } from '../util/address.js';

/** OpEvent is one log line; `remind` drives email reminders (true: start, false: clear). */
export interface OpEvent {
  readonly level: 'info' | 'warn';
  readonly log: string;
  /** Mail subject; undefined = no mail for this op. */
  readonly mail?: string;
  readonly real?: string;
  readonly remind?: boolean;
}

/** describeOp renders one applied op. `isFallback` / `isReal` classify a dest of this virtual. */
export function describeOp(op: IpvsOp, vstr: string, isFallback: (destKey: string) => boolean, isReal: (destKey: string) => boolean,
  tag: string, destKeyOf: (d: { address: string; port: number; family?: 4 | 6 }) => string, family: 4 | 6): OpEvent {
  switch (op.op) {
    case 'addService': return { level: 'info', log: `Added virtual server: ${vstr}` };
    case 'editService': return { level: 'info', log: `Updated virtual server: ${vstr}` };
    case 'delService': return { level: 'info', log: `Deleted virtual server: ${vstr}` };
    default: break;
  }
  const d = op.dest;
  const rs = hostPort(d.family ?? family, d.address, d.port);
  const k = destKeyOf(d);
  const fb = isFallback(k);
  const who = `${fb ? 'fallback' : 'real'} server: ${rs} (${vstr})`;
  if (op.op === 'delDest') {
    if (!fb && !isReal(k)) {
      const s = `Purged real server (${tag}): ${rs} (${vstr})`;
      return { level: 'info', log: s, mail: s, real: rs, remind: false };
    }
    return { level: 'info', log: `Deleted ${who}`, mail: `Deleted ${who}`, real: rs, remind: fb ? undefined : true };
  }
  const w = op.dest.weight;
  if (op.op === 'addDest') {
    if (w === 0) {
      return { level: 'info', log: `Readd Quiescent ${who} (Weight set to 0)`, mail: `Quiescent ${who} (Weight set to 0)`, real: rs, remind: true };
    }
    return { level: 'info', log: `Added ${who} (Weight set to ${w})`, mail: `Added ${who} (Weight set to ${w})`, real: rs, remind: false };
  }
  if (w === 0) return { level: 'info', log: `Quiescent ${who} (Weight set to 0)`, mail: `Quiescent ${who} (Weight set to 0)`, real: rs, remind: true };
  return { level: 'info', log: `Restored ${who} (Weight set to ${w})`, mail: `Restored ${who} (Weight set to ${w})`, real: rs, remind: false };
}
