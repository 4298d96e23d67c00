/**
 * The writer: the only path from desired state to the kernel. It owns the reconciler (the cached
 * view of the owned table) and runs one job at a time on a serial queue: write passes, drift
 * re-reads and stop's purges never overlap, since each replaces part of the cached view.
 * A write pass starts after the current I/O phase (setImmediate), so the results of one tick
 * form one change; what is marked while a pass is in flight goes out in the same pass's next
 * loop. Failed writes are retried at the next tick, not at once.
 */
import type { IpvsHandle, IpvsOp, ServiceKey } from '../ipvs/types.js';
import { serviceKeyString } from '../ipvs/key.js';
import type { Logger } from '../util/log.js';
import { errorText } from '../util/errors.js';
import { SerialQueue } from '../util/serial-queue.js';
import type { KernelService } from './diff.js';
import type { DesiredService } from './desired.js';
import { PendingWrites, type Removal } from './pending-writes.js';
import { Reconciler, opKey, type SyncResult } from './reconciler.js';

/**
 * Prepared is one marked virtual as a pass computed it: `subject` is what the pass reports its
 * writes against (the entry as it was then, even if a reload replaces it meanwhile); `written`
 * runs if all its ops landed.
 */
export interface Prepared<V> {
  readonly subject: V;
  readonly desired: DesiredService;
  readonly written: () => void;
}

/** DriftTarget is an owned virtual drift correction compares with the kernel. */
export interface DriftTarget {
  readonly id: string;
  readonly keyStr: string;
  readonly vstr: string;
  readonly desired: () => DesiredService;
}

export interface WriterDeps<V> {
  readonly ipvs: IpvsHandle;
  readonly logger: Logger;
  /** prepare evaluates a marked virtual for a pass (fallback, quorum); undefined = gone. */
  readonly prepare: (id: string) => Prepared<V> | undefined;
  /** applied gets the ops that reached the kernel in one pass, with the subjects by service key. */
  readonly applied: (ops: readonly IpvsOp[], byKey: ReadonlyMap<string, V>, removals: readonly Removal[]) => void;
}

/** Writer<V>: V is the caller's virtual (the director's VirtualEntry). */
export class Writer<V> {
  private readonly reconciler: Reconciler;
  private readonly queue = new SerialQueue();
  private readonly pending = new PendingWrites();
  /** A write pass is queued or running: marks meanwhile are taken by its loop. */
  private passQueued = false;
  private closed = false;
  /** Dest and service changes drift correction found needed (another tool changed the table). */
  driftCorrections = 0;

  constructor(private readonly d: WriterDeps<V>) {
    this.reconciler = new Reconciler(d.ipvs, d.logger);
  }

  /** load reads the kernel table: every service, and the dests of the `owned` ones. */
  load(owned: ReadonlySet<string>): Promise<void> { return this.reconciler.load(owned); }

  /** kernel is the cached view of one owned service (undefined = absent). */
  kernel(keyStr: string): KernelService | undefined { return this.reconciler.kernel(keyStr); }

  /** counters for status and metrics. */
  get writes(): number { return this.reconciler.writes; }
  get errors(): number { return this.reconciler.errors; }
  get writesByOp(): Readonly<Record<IpvsOp['op'], number>> { return this.reconciler.writesByOp; }

  /** mark: a virtual's desired state changed; a pass will write it. */
  mark(id: string): void {
    this.pending.virtual(id);
    this.kick();
  }

  /** markOnly: as mark, but the pass is started by the caller (write() or kick()). */
  markOnly(id: string): void { this.pending.virtual(id); }

  /** remove: delete a service a reload dropped, in the next pass. */
  remove(r: Removal): void { this.pending.remove(r); }

  /** write runs a pass for what is marked, after any pass in flight, and resolves when done. */
  async write(): Promise<void> {
    await this.queue.idle();
    this.kick();
    await this.queue.idle();
  }

  /** idle resolves when no pass is queued or running (tests, stop). */
  idle(): Promise<void> { return this.queue.idle(); }

  /** close: after stop began nothing may re-add what stop is removing (a late result, a drift pass). */
  close(): void { this.closed = true; }

  /** kick queues a pass unless one is queued or running (it will take what is marked). */
  kick(): void {
    if (this.passQueued || this.closed) return;
    this.passQueued = true;
    void this.queue.run(async () => {
      try {
        await new Promise<void>((resolve) => setImmediate(resolve));
        await this.pass();
      } finally { this.passQueued = false; }
    }).catch((e: unknown) => this.d.logger.error(`ipvs write pass failed: ${errorText(e)}`));
  }

  /** tick makes failed writes due again and starts their pass. */
  retry(): void {
    if (this.pending.tick()) this.kick();
  }

  /**
   * drift re-reads the owned services and marks the virtuals another tool changed, then writes
   * them back. It holds the queue: a pass running during the re-read would be forgotten by the
   * cache (a real added during the re-read, then downed, stayed in the kernel).
   */
  drift(owned: ReadonlySet<string>, targets: () => Iterable<DriftTarget>): Promise<void> {
    return this.queue.run(async () => {
      this.passQueued = true;
      try {
        await this.reread(owned, targets);
        await this.pass();
      } finally { this.passQueued = false; }
    });
  }

  /**
   * purge deletes one service at stop (cleanstop), outside the retry machinery: nothing is
   * retried after stop. Resolves the result, or undefined if the handle failed (logged).
   */
  async purge(key: ServiceKey, vstr: string): Promise<SyncResult | undefined> {
    try {
      return await this.reconciler.sync([], [key], 'stop: left in the table');
    } catch (e) {
      this.d.logger.error(`Could not remove virtual server (stop): ${vstr}: ${errorText(e)}`);
      return undefined;
    }
  }

  private async reread(owned: ReadonlySet<string>, targets: () => Iterable<DriftTarget>): Promise<void> {
    try {
      const changed = new Set(await this.reconciler.refresh(owned));
      for (const t of targets()) {
        if (!changed.has(t.keyStr)) continue;
        const n = this.reconciler.plan([t.desired()]).length;
        if (n === 0) continue;
        this.driftCorrections += n;
        this.d.logger.warn(`IPVS table drift on ${t.vstr}: ${n} change(s) needed to restore it (changed by another tool)`);
        this.pending.virtual(t.id);
      }
    } catch (e) {
      this.d.logger.error(`drift check failed: ${errorText(e)}`);
    }
  }

  /** pass writes every marked virtual; marks that arrive meanwhile are taken by the next loop. */
  private async pass(): Promise<void> {
    while (this.pending.ready) {
      const { ids, removals } = this.pending.take();
      const desired: DesiredService[] = [];
      const byKey = new Map<string, V>();
      const idOf = new Map<string, string>();
      const written = new Map<string, () => void>();
      for (const id of ids) {
        const p = this.d.prepare(id);
        if (!p) continue;
        desired.push(p.desired);
        byKey.set(p.desired.keyStr, p.subject);
        idOf.set(p.desired.keyStr, id);
        written.set(p.desired.keyStr, p.written);
      }
      let res;
      try {
        res = await this.reconciler.sync(desired, removals.map((r) => r.key));
      } catch (e) {
        // The handle itself failed (reads or the socket): keep everything for the next tick.
        this.d.logger.error(`ipvs sync failed: ${errorText(e)} (will retry)`);
        for (const id of ids) this.pending.retryVirtual(id);
        for (const r of removals) this.pending.retryRemoval(r);
        return;
      }
      this.d.applied(res.applied, byKey, removals);
      const failed = new Set(res.failed.map((f) => serviceKeyString(opKey(f.op))));
      for (const [k, done] of written) if (!failed.has(k)) done();
      for (const k of failed) {
        const id = idOf.get(k);
        if (id !== undefined) this.pending.retryVirtual(id);
        else for (const r of removals) if (serviceKeyString(r.key) === k) this.pending.retryRemoval(r);
      }
    }
  }
}
