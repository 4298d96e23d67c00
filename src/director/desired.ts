/**
 * Desired state (pure): what the kernel table should hold for one virtual, given the config and
 * the health of its reals. The diff (diff.ts) turns it into the minimal list of IpvsOps.
 */
import type { Fallback, Forward, RealServer, VirtualService } from '../config/model.js';
import type { IpvsDest, IpvsForward, IpvsService, ServiceKey } from '../ipvs/types.js';
import { serviceKeyString } from '../ipvs/key.js';
import { normAddr } from '../util/address.js';
import type { Health, VirtualHealth } from './state.js';

/** FORWARD maps the .cf forwarding method to the kernel's. */
export const FORWARD: Readonly<Record<Forward, IpvsForward>> = Object.freeze({ gate: 'route', masq: 'masq', ipip: 'tunnel' });

/** Service flag bits from linux/ip_vs.h. */
export const SVC_F_PERSISTENT = 0x1;
export const SVC_F_ONEPACKET = 0x4;
/** schedflags names as ipvsadm -b spells them (ipvsadm.c parse_sched_flags). */
export const SCHED_FLAGS: Readonly<Record<string, number>> = Object.freeze({
  'flag-1': 0x8, 'flag-2': 0x10, 'flag-3': 0x20,
  'sh-fallback': 0x8, 'sh-port': 0x10, 'mh-fallback': 0x8, 'mh-port': 0x10,
});

/**
 * DestMode says how strictly the diff enforces a dest:
 * exact = add or edit until it matches; ifPresent = fix it if present, never add it (a quiesced
 * real with readdquiescent=no, which an admin may have deleted by hand); keep = do not touch
 * (a real not checked yet: neither added before its first check nor removed if already serving).
 */
export type DestMode = 'exact' | 'ifPresent' | 'keep';

export interface DesiredDest { readonly dest: IpvsDest; readonly mode: DestMode; readonly fallback: boolean }

export interface DesiredService {
  readonly key: ServiceKey;
  readonly keyStr: string;
  readonly service: IpvsService;
  readonly dests: readonly DesiredDest[];
}


/** serviceKeyOf is the kernel identity of a virtual. */
export function serviceKeyOf(v: VirtualService): ServiceKey {
  if (v.protocol === 'fwm') return { family: v.family, fwmark: v.fwmark ?? 0 };
  return { family: v.family, protocol: v.protocol, address: normAddr(v.family, v.address ?? ''), port: v.port };
}

/** schedFlagsOf parses `schedflags` (comma list); unknown names are reported, not guessed. */
export function schedFlagsOf(s: string | undefined, unknown: (name: string) => void = () => {}): number {
  if (!s) return 0;
  let f = 0;
  for (const name of s.split(',').map((x) => x.trim()).filter(Boolean)) {
    const bit = SCHED_FLAGS[name];
    if (bit === undefined) unknown(name); else f |= bit;
  }
  return f;
}

/** serviceOf builds the full IpvsService (ldirectord -A/-E: -s, -p, -M, -o, -b). */
export function serviceOf(v: VirtualService, unknownFlag?: (name: string) => void): IpvsService {
  let flags = schedFlagsOf(v.schedflags, unknownFlag);
  if (v.persistent !== undefined) flags |= SVC_F_PERSISTENT;
  // ldirectord emits -o for UDP virtuals only (silently ignored for TCP and fwmark).
  if (v.ops && v.protocol === 'udp') flags |= SVC_F_ONEPACKET;
  const defMask = v.family === 6 ? '128' : '255.255.255.255';
  return {
    key: serviceKeyOf(v),
    scheduler: v.scheduler,
    flags,
    timeout: v.persistent ?? 0,
    netmask: v.persistent !== undefined && v.netmask ? v.netmask : defMask,
  };
}

/**
 * destPort is the port the kernel will hold: for gate/ipip the kernel (via ipvsadm) uses the
 * virtual's port; a fwmark service has no port, so non-NAT dests get 0; a missing port means the
 * virtual's. Matching on what the kernel stores avoids the original's delete-and-retry churn.
 */
export function destPort(v: VirtualService, forward: Forward, port: number): number {
  if (v.protocol === 'fwm') return forward === 'masq' ? port : 0;
  if (forward !== 'masq' || port === 0) return v.port;
  return port;
}

/** realDest is the dest of a real at a given weight. */
export function realDest(v: VirtualService, r: RealServer, weight: number): IpvsDest {
  return {
    address: normAddr(r.family, r.address), port: destPort(v, r.forward, r.port), family: r.family,
    forward: FORWARD[r.forward], weight, upperThreshold: r.upperThreshold, lowerThreshold: r.lowerThreshold,
  };
}

/** fallbackDest is the fallback's dest: weight 1, no thresholds (ldirectord -w 1). */
export function fallbackDest(v: VirtualService, f: Fallback): IpvsDest {
  return {
    address: normAddr(f.family, f.address), port: destPort(v, f.forward, f.port), family: f.family,
    forward: FORWARD[f.forward], weight: 1, upperThreshold: 0, lowerThreshold: 0,
  };
}

/** RealInput is one real with its health and whether a quiesced entry must be (re)added. */
export interface RealInput {
  readonly real: RealServer;
  readonly health: Health;
  readonly addQuiesced: boolean;
  /** `ldirectord drain`: held at weight 0 while present (connections finish), never added. */
  readonly drained?: boolean;
}

/**
 * desiredFor computes one virtual's desired service and dests. `vh` undefined = not settled yet
 * (some real unknown): the fallback is then left as it is in the kernel.
 */
export function desiredFor(v: VirtualService, reals: readonly RealInput[], vh: VirtualHealth | undefined): DesiredService {
  const service = serviceOf(v);
  const dests: DesiredDest[] = [];
  // keepalived's sorry-server rule: with quorum lost and a fallback to send traffic to, the
  // remaining live reals are taken out too.
  const pullLive = vh !== undefined && !vh.quorumOk && vh.fallbackActive && v.fallback !== undefined && v.quorum !== undefined;
  for (const r of reals) {
    if (r.drained) { dests.push({ dest: realDest(v, r.real, 0), mode: 'ifPresent', fallback: false }); continue; }
    const health = pullLive && r.health === 'up' ? 'down' : r.health;
    if (health === 'up') dests.push({ dest: realDest(v, r.real, r.real.weight), mode: 'exact', fallback: false });
    else if (health === 'unknown') dests.push({ dest: realDest(v, r.real, r.real.weight), mode: 'keep', fallback: false });
    else if (v.quiescent) {
      dests.push({ dest: realDest(v, r.real, 0), mode: r.addQuiesced ? 'exact' : 'ifPresent', fallback: false });
    }
  }
  if (v.fallback) {
    const fd = fallbackDest(v, v.fallback);
    const clash = dests.some((d) => d.dest.address === fd.address && d.dest.port === fd.port);
    // Fallback servers are never quiesced, always deleted (ldirectord L4392).
    if (vh === undefined) { if (!clash) dests.push({ dest: fd, mode: 'keep', fallback: true }); }
    else if (vh.fallbackActive && !clash) dests.push({ dest: fd, mode: 'exact', fallback: true });
  }
  return { key: service.key, keyStr: serviceKeyString(service.key), service, dests };
}
