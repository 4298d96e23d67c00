/**
 * Reconciler: keeps a cached copy of the owned part of the kernel table, diffs desired state
 * against it and applies the ops in one batch. A failed op marks its service stale: the next
 * pass re-reads that service from the kernel and retries whatever is still needed. `refresh`
 * re-reads every owned service (periodic drift correction against other tools).
 */
import type { IpvsDest, IpvsHandle, IpvsOp, ServiceKey } from '../ipvs/types.js';
import { serviceKeyString } from '../ipvs/key.js';
import type { Logger } from '../util/log.js';
import type { DesiredService } from './desired.js';
import { destKey, diffService, type KernelService } from './diff.js';

interface CachedService { service: KernelService['service']; dests: Map<string, IpvsDest> }

/** SyncResult lists what was written; `failed` ops will be retried by a later pass. */
export interface SyncResult {
  readonly applied: readonly IpvsOp[];
  readonly failed: readonly { readonly op: IpvsOp; readonly message: string }[];
}

/** opKey is the service an op writes to. */
export function opKey(op: IpvsOp): ServiceKey {
  return 'service' in op ? op.service.key : op.key;
}

export class Reconciler {
  private cache = new Map<string, CachedService>();
  private stale = new Set<string>();
  /** Every write attempted and every failure, for status(). */
  writes = 0;
  errors = 0;
  /** Writes attempted, by operation (metrics: ldirectord_ipvs_writes_total{op}). */
  readonly writesByOp: Record<IpvsOp['op'], number> = { addService: 0, editService: 0, delService: 0, addDest: 0, editDest: 0, delDest: 0 };

  constructor(private readonly ipvs: IpvsHandle, private readonly logger: Logger) {}

  /** load reads the kernel table: every service, and the dests of those in `owned`. */
  async load(owned: ReadonlySet<string>): Promise<void> {
    const services = await this.ipvs.listServices();
    const fresh = new Map<string, CachedService>();
    for (const s of services) {
      const k = serviceKeyString(s.key);
      if (!owned.has(k)) continue;
      const dests = await this.ipvs.listDests(s.key);
      fresh.set(k, { service: s, dests: new Map(dests.map((d) => [destKey({ ...d, family: d.family ?? s.key.family }), d])) });
    }
    this.cache = fresh;
    this.stale.clear();
  }

  /** kernel returns the cached view of one service (undefined = absent). */
  kernel(keyStr: string): KernelService | undefined {
    return this.cache.get(keyStr);
  }

  /** plan returns the ops a sync would send, without sending them (tests, dry runs). */
  plan(desired: readonly DesiredService[], remove: readonly ServiceKey[] = []): IpvsOp[] {
    const ops: IpvsOp[] = [];
    for (const k of remove) if (this.cache.has(serviceKeyString(k))) ops.push({ op: 'delService', key: k });
    // A loop, not push(...spread): a service with 200,000 reals would overflow the stack.
    for (const d of desired) for (const op of diffService(d, this.cache.get(d.keyStr))) ops.push(op);
    return ops;
  }

  /**
   * sync brings the given services to their desired state and deletes `remove`d ones. `after` ends
   * the log line of a failed op: what happens next (stop passes its own: nothing is retried then).
   */
  async sync(desired: readonly DesiredService[], remove: readonly ServiceKey[] = [], after = 'will retry'): Promise<SyncResult> {
    if (this.stale.size > 0) await this.reread([...this.stale]);
    const ops = this.plan(desired, remove);
    if (ops.length === 0) return { applied: [], failed: [] };
    this.writes += ops.length;
    for (const op of ops) this.writesByOp[op.op]++;
    let results;
    try {
      results = await this.ipvs.apply(ops);
    } catch (e) {
      // Unknown how much of the batch landed: re-read every service it touched before retrying.
      this.errors += ops.length;
      for (const op of ops) this.stale.add(serviceKeyString(opKey(op)));
      throw e;
    }
    const applied: IpvsOp[] = [];
    const failed: { op: IpvsOp; message: string }[] = [];
    ops.forEach((op, i) => {
      const r = results[i];
      if (r && r.ok) { this.record(op); applied.push(op); return; }
      this.errors++;
      const message = r && !r.ok ? `${r.error.code}: ${r.error.message}` : 'no result';
      failed.push({ op, message });
      this.stale.add(serviceKeyString(opKey(op)));
      this.logger.error(`ipvs ${op.op} ${serviceKeyString(opKey(op))} failed: ${message} (${after})`);
    });
    return { applied, failed };
  }

  /** refresh re-reads the owned services (drift correction); returns the keys that changed. */
  async refresh(owned: ReadonlySet<string>): Promise<string[]> {
    const before = new Map([...this.cache].map(([k, v]) => [k, snapshot(v)]));
    await this.load(owned);
    const changed: string[] = [];
    for (const k of new Set([...before.keys(), ...this.cache.keys()])) {
      const now = this.cache.get(k);
      if (before.get(k) !== (now ? snapshot(now) : undefined)) changed.push(k);
    }
    return changed;
  }

  private async reread(keys: string[]): Promise<void> {
    const services = await this.ipvs.listServices();
    const byKey = new Map(services.map((s) => [serviceKeyString(s.key), s]));
    for (const k of keys) {
      const s = byKey.get(k);
      if (!s) { this.cache.delete(k); continue; }
      const dests = await this.ipvs.listDests(s.key);
      this.cache.set(k, { service: s, dests: new Map(dests.map((d) => [destKey({ ...d, family: d.family ?? s.key.family }), d])) });
      this.stale.delete(k);
    }
    for (const k of keys) this.stale.delete(k);
  }

  private record(op: IpvsOp): void {
    const k = serviceKeyString(opKey(op));
    switch (op.op) {
      case 'addService': this.cache.set(k, { service: op.service, dests: new Map() }); return;
      case 'editService': { const c = this.cache.get(k); if (c) c.service = op.service; return; }
      case 'delService': this.cache.delete(k); return;
      case 'addDest': case 'editDest': this.cache.get(k)?.dests.set(destKey(op.dest), op.dest); return;
      case 'delDest': this.cache.get(k)?.dests.delete(destKey(op.dest)); return;
    }
  }
}

function snapshot(c: CachedService): string {
  const d = [...c.dests.entries()].sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, x]) => `${k}/${x.forward}/${x.weight}/${x.upperThreshold}/${x.lowerThreshold}`);
  const s = c.service;
  return `${s.scheduler}/${s.flags & ~0x2}/${s.timeout}/${s.netmask}|${d.join(',')}`;
}
