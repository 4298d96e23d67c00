/**
 * The director's table of entries (pure): one entry per (virtual, real) holding its health and
 * counters, one per virtual holding its fallback/quorum state, and the probes that feed them.
 * A (re)build carries the state of every real whose key is unchanged, so a reload keeps health.
 * Nothing here does I/O, reads a clock or logs: the caller passes the time and the kernel's view.
 */
import type { Config, GlobalConfig, RealServer, VirtualService } from '../config/model.js';
import type { ServiceKey } from '../ipvs/types.js';
import { destKey, type KernelService } from './diff.js';
import { desiredFor, realDest, serviceKeyOf, type DesiredService } from './desired.js';
import type { DrainList } from './drain.js';
import { drainMark, type RuntimeDrain } from './drain-control.js';
import { realInputs } from './real-entry.js';
import { probeFor, realIdStr, realKey, virtualStr, type ProbeDef, type ReceiveMemo } from './spec.js';
import { ADOPTED, UNKNOWN, type RealHealth, type VirtualHealth } from './state.js';
import { serviceKeyString } from '../ipvs/key.js';
import { hostPort } from '../util/address.js';

/** RealEntry is one (virtual, real): its health, last result and metric counters. */
export interface RealEntry {
  readonly key: string;
  readonly v: VirtualService;
  readonly real: RealServer;
  readonly probe: ProbeDef;
  readonly realId: string;
  health: RealHealth;
  /** A quiesced (weight 0) entry must be present even if missing: readdquiescent, or first answer. */
  addQuiesced: boolean;
  /** Mutated in place by the hot path (one object per real, not one per check). */
  last?: { up: boolean; message: string; durationMs: number; at: number };
  /** Wall-clock ms of the last health change (health.ts shows it as "since"). */
  since: number;
  /** A runtime drain (drain.ts); `enabledAt` = monotonic time of `enable` (a later check lifts it). */
  drain?: RuntimeDrain;
  /** Metrics counters (metrics.ts): plain increments per check, carried across reloads. */
  failuresTotal: number;
  transitionsTotal: number;
  consecutiveFailures: number;
  metricLabels?: Buffer;
  metricKey?: string;
}

/** VirtualEntry is one virtual: its kernel identity, its reals and its fallback/quorum state. */
export interface VirtualEntry {
  readonly v: VirtualService;
  readonly key: ServiceKey;
  readonly keyStr: string;
  readonly vstr: string;
  readonly reals: RealEntry[];
  vh: VirtualHealth | undefined;
  /** Last fallbackcommand sent: true = start, false = stop, undefined = none yet. */
  fbCmd: boolean | undefined;
  metricLabels?: Buffer;
}

/** Table: virtuals by id (config order) and, per probe key, the reals one check result feeds. */
export interface Table {
  readonly virtuals: ReadonlyMap<string, VirtualEntry>;
  readonly probes: ReadonlyMap<string, readonly RealEntry[]>;
}

/** EMPTY_TABLE is the table before the first build. */
export const EMPTY_TABLE: Table = Object.freeze({ virtuals: new Map(), probes: new Map() });

/**
 * buildTable makes the entries of `c`. Reals whose key (virtual id, address, port, check) is in
 * `prev` keep their health, last result, counters and enable-in-progress; virtuals keep their
 * fallback state. `nowMs` is the "since" of new entries.
 */
export function buildTable(c: Config, prev: Table, drains: DrainList, nowMs: number): Table {
  const old = new Map<string, RealEntry>();
  for (const ve of prev.virtuals.values()) for (const r of ve.reals) old.set(r.key, r);
  const virtuals = new Map<string, VirtualEntry>();
  const probes = new Map<string, RealEntry[]>();
  const receives: ReceiveMemo = new Map();
  for (const v of c.virtuals) {
    const reals = v.reals.map((real) => {
      const e = realEntry(v, real, c.global, receives, old, drains, nowMs);
      const list = probes.get(e.probe.key);
      if (list) list.push(e); else probes.set(e.probe.key, [e]);
      return e;
    });
    const key = serviceKeyOf(v);
    const pv = prev.virtuals.get(v.id);
    virtuals.set(v.id, { v, key, keyStr: serviceKeyString(key), vstr: virtualStr(v), reals, vh: pv?.vh, fbCmd: pv?.fbCmd });
  }
  return { virtuals, probes };
}

function realEntry(v: VirtualService, real: RealServer, g: GlobalConfig, receives: ReceiveMemo, old: ReadonlyMap<string, RealEntry>,
  drains: DrainList, nowMs: number): RealEntry {
  const key = realKey(v, real, g, receives);
  const prev = old.get(key);
  const e: RealEntry = {
    key, v, real, probe: probeFor(v, real, g, receives), realId: realIdStr(v, real),
    health: prev?.health ?? UNKNOWN, addQuiesced: prev?.addQuiesced ?? false,
    ...(prev?.last ? { last: prev.last } : {}),
    since: prev?.since ?? nowMs,
    failuresTotal: prev?.failuresTotal ?? 0, transitionsTotal: prev?.transitionsTotal ?? 0, consecutiveFailures: prev?.consecutiveFailures ?? 0,
  };
  const dm = drainMark(drains.find(v, real), prev?.drain);
  if (dm) e.drain = dm;
  return e;
}

/** ownedKeys: the kernel services a config owns (the only ones read in detail or written). */
export function ownedKeys(c: Config): Set<string> {
  return new Set(c.virtuals.map((v) => serviceKeyString(serviceKeyOf(v))));
}

/** adoptServing marks reals already serving in the kernel (weight > 0) as up: no remove-and-re-add. */
export function adoptServing(t: Table, kernel: (keyStr: string) => KernelService | undefined): void {
  for (const ve of t.virtuals.values()) {
    const k = kernel(ve.keyStr);
    if (!k) continue;
    for (const r of ve.reals) {
      const kd = k.dests.get(destKey(realDest(ve.v, r.real, 0)));
      if (kd && kd.weight > 0) r.health = ADOPTED;
    }
  }
}

/** desiredOf is what the kernel should hold for a virtual, from its reals as they are now. */
export function desiredOf(ve: VirtualEntry): DesiredService {
  return desiredFor(ve.v, realInputs(ve.reals), ve.vh);
}

/** settled: every virtual has had an answer from every real (the end of the "starting" round). */
export function settled(t: Table): boolean {
  for (const ve of t.virtuals.values()) if (ve.vh === undefined) return false;
  return true;
}

/** servingDown: is `rs` (ip:port as alerts name it) a real of `ve` that is down? (reminders across a reload) */
export function servingDown(ve: VirtualEntry, rs: string): boolean {
  return ve.reals.some((r) => r.health.health === 'down' && realDestName(ve.v, r.real) === rs);
}

/** realDestName is a real's ip:port as the kernel holds it (the name alerts use). */
export function realDestName(v: VirtualService, r: RealServer): string {
  const d = realDest(v, r, 0);
  return hostPort(d.family ?? v.family, d.address, d.port);
}

/**
 * quiescedToAdd: the reals of a virtual whose quiesced (weight 0) entry a write pass adds, taken
 * as the pass computes its desired state (a real that goes down while the pass is in flight is
 * not written by it).
 */
export function quiescedToAdd(ve: VirtualEntry): RealEntry[] {
  return ve.reals.filter((r) => r.addQuiesced && r.health.health === 'down');
}

/**
 * quiescedWritten: with readdquiescent=no, a quiesced entry is added once (a real down from its
 * first check, as the original's start adds it at weight 0); after that an admin's `ipvsadm -d`
 * stands, and drift correction only fixes the entry while it is present (reference §4.5).
 */
export function quiescedWritten(written: readonly RealEntry[], readdquiescent: boolean): void {
  if (readdquiescent) return;
  // A real that came back meanwhile needs nothing: its flag is set anew when it next goes down.
  for (const r of written) if (r.health.health === 'down') r.addQuiesced = false;
}
