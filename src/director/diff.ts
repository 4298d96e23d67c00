/**
 * Diff (pure): desired services vs the kernel's table -> the minimal IpvsOp list.
 * Only services the caller owns are ever touched; a foreign service is invisible here.
 */
import type { IpvsDest, IpvsOp, IpvsService, ServiceKey } from '../ipvs/types.js';
import type { DesiredDest, DesiredService } from './desired.js';
import { normAddr } from '../util/address.js';

/** KernelService is the kernel's view of one service and its dests (keyed by destKey). */
export interface KernelService {
  readonly service: IpvsService;
  readonly dests: ReadonlyMap<string, IpvsDest>;
}

/** destKey identifies a dest inside a service, as the kernel does (address + port). */
export function destKey(d: Pick<IpvsDest, 'address' | 'port' | 'family'>): string {
  return `${normAddr(d.family, d.address)}|${d.port}`;
}

function netmaskEq(a: string, b: string): boolean {
  return a === b || (a === '255.255.255.255' && b === '') || (a === '' && b === '255.255.255.255');
}

/** serviceDiffers compares what -E would change: scheduler, flags, timeout, netmask. */
export function serviceDiffers(want: IpvsService, have: IpvsService): boolean {
  return want.scheduler !== have.scheduler || want.flags !== (have.flags & ~0x2) ||
    want.timeout !== have.timeout || !netmaskEq(want.netmask, have.netmask);
}

/** destDiffers compares what -e would change: forward, weight, thresholds. */
export function destDiffers(want: IpvsDest, have: IpvsDest): boolean {
  return want.forward !== have.forward || want.weight !== have.weight ||
    want.upperThreshold !== have.upperThreshold || want.lowerThreshold !== have.lowerThreshold;
}

const MODE_RANK = { exact: 2, ifPresent: 1, keep: 0 } as const;

/** diffService returns the ops that make `have` (undefined = absent) look like `want`. */
export function diffService(want: DesiredService, have: KernelService | undefined): IpvsOp[] {
  const ops: IpvsOp[] = [];
  const key = want.key;
  const wanted = new Map<string, DesiredDest>();
  for (const d of want.dests) {
    const k = destKey(d.dest);
    const prev = wanted.get(k);
    // Two config lines mapping to one kernel dest (gate rewrites the port): the strictest wins.
    if (!prev || MODE_RANK[d.mode] > MODE_RANK[prev.mode]) wanted.set(k, d);
  }
  if (!have) {
    ops.push({ op: 'addService', service: want.service });
    for (const d of wanted.values()) if (d.mode === 'exact') ops.push({ op: 'addDest', key, dest: d.dest });
    return ops;
  }
  if (serviceDiffers(want.service, have.service)) ops.push({ op: 'editService', service: want.service });
  // Deletions first: frees thresholds/capacity before additions, and matches ldirectord's purge order.
  for (const [k, d] of have.dests) {
    if (!wanted.has(k)) ops.push({ op: 'delDest', key, dest: { address: d.address, port: d.port, family: d.family } });
  }
  for (const [k, d] of wanted) {
    const cur = have.dests.get(k);
    if (d.mode === 'keep') continue;
    if (!cur) { if (d.mode === 'exact') ops.push({ op: 'addDest', key, dest: d.dest }); continue; }
    if (destDiffers(d.dest, cur)) ops.push({ op: 'editDest', key, dest: d.dest });
  }
  return ops;
}

/** deleteService is the op that removes an owned service (and with it all its dests). */
export function deleteService(key: ServiceKey): IpvsOp {
  return { op: 'delService', key };
}
