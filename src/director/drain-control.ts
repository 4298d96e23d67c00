/**
 * The `drain` and `enable` commands on the director's live entries. The drain list (drain.ts)
 * says which reals are drained and is saved through the store before anything changes, so a
 * drain the admin was told about survives a crash; the entries carry the mark the write pass
 * and the health view read.
 */
import type { RealServer, VirtualService } from '../config/model.js';
import type { Clock } from '../util/clock.js';
import { ControlError } from '../util/errors.js';
import type { Logger } from '../util/log.js';
import { matches, parseTarget, targetString, type DrainList, type DrainRecord } from './drain.js';
import type { DrainMark } from './health.js';
import { hostPort } from '../util/address.js';
import type { ProbeResult } from './scheduler.js';
import type { DrainStore } from './types.js';

/** RuntimeDrain is the mark on a drained entry; `enabledAt` (monotonic) once `enable` was asked. */
export interface RuntimeDrain extends DrainMark { readonly enabledAt?: number }

/** DrainableEntry is the part of the director's per-real entry these commands touch. */
export interface DrainableEntry {
  readonly v: VirtualService;
  readonly real: RealServer;
  readonly realId: string;
  drain?: RuntimeDrain;
}

/** drainMark is an entry's mark after a (re)build: the persisted drain, else an enable in progress. */
export function drainMark(rec: DrainRecord | undefined, prev: RuntimeDrain | undefined): RuntimeDrain | undefined {
  if (rec) return { reason: rec.reason, since: rec.since, enabling: false };
  return prev?.enabling ? prev : undefined;
}

/**
 * liftDrainOnPass ends an `enable` with the first passing check that started after it (a check
 * already running when the admin typed `enable` is not fresh). True if the mark was removed.
 */
export function liftDrainOnPass(e: DrainableEntry, r: ProbeResult): boolean {
  const d = e.drain;
  if (!d?.enabling || !r.up || r.forced || r.startedAt < (d.enabledAt ?? 0)) return false;
  delete e.drain;
  return true;
}

export interface DrainControlOptions {
  readonly list: DrainList;
  readonly store?: DrainStore;
  readonly logger: Logger;
  readonly clock: Clock;
  /** The config file (named in "no real matches" errors). */
  readonly file: () => string;
  readonly entries: () => Iterable<DrainableEntry>;
  /** A virtual's desired state changed: write it. */
  readonly changed: (virtualId: string) => void;
}

const realName = (e: DrainableEntry): string => `${hostPort(e.real.family, e.real.address, e.real.port)} (${e.v.id})`;

/** DrainControl runs drain/enable; both answer the `virtual real` pairs they matched. */
export class DrainControl {
  constructor(private readonly o: DrainControlOptions) {}

  async drain(target: string, reason: string): Promise<string[]> {
    const t = parseTarget(target);
    const hits = this.matching(t);
    const key = this.o.list.add(t, reason, this.o.clock.now());
    await this.save();
    const rec = this.o.list.records().find((r) => r.target === key)!;
    for (const e of hits) {
      // A narrower drain (with a port) keeps its own reason.
      e.drain = drainMark(this.o.list.find(e.v, e.real) ?? rec, undefined);
      this.o.logger.warn(`Drained real server: ${realName(e)}: ${reason}`);
      this.o.changed(e.v.id);
    }
    return hits.map(realName);
  }

  async enable(target: string): Promise<string[]> {
    const t = parseTarget(target);
    const hits = this.matching(t).filter((e) => e.drain !== undefined && !e.drain.enabling);
    if (!this.o.list.remove(t) && hits.length === 0) {
      throw new ControlError('LD_ERR_CONTROL', `no drained real server matches ${targetString(t)}`);
    }
    await this.save();
    const at = this.o.clock.monotonic();
    const enabled: DrainableEntry[] = [];
    for (const e of hits) {
      // A wider drain (address only) that still covers the real keeps it drained.
      const still = this.o.list.find(e.v, e.real);
      if (still) { e.drain = drainMark(still, undefined); continue; }
      e.drain = { ...e.drain!, enabling: true, enabledAt: at };
      enabled.push(e);
      this.o.logger.info(`Enabling real server: ${realName(e)}: back in service after its next passing check`);
    }
    return enabled.map(realName);
  }

  private matching(t: ReturnType<typeof parseTarget>): DrainableEntry[] {
    const hits: DrainableEntry[] = [];
    for (const e of this.o.entries()) if (matches(t, e.v, e.real)) hits.push(e);
    if (hits.length === 0) throw new ControlError('LD_ERR_CONTROL', `no real server in ${this.o.file()} matches ${targetString(t)}`);
    return hits;
  }

  private async save(): Promise<void> {
    await this.o.store?.save(this.o.list.records());
  }
}
