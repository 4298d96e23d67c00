/**
 * PendingWrites is the one list of what the writer still has to do: virtuals whose desired state
 * changed and services to delete, each due now (the next write pass) or at the next tick (a
 * retry after a failure: retried at once, a kernel that refuses would make the writer spin).
 */
import type { ServiceKey } from '../ipvs/types.js';
import { serviceKeyString } from '../ipvs/key.js';

/** Removal is a service a reload dropped; `vstr` names it in the log line. */
export interface Removal { readonly key: ServiceKey; readonly vstr: string }

type Job = { readonly id: string } | { readonly removal: Removal };

/** Batch is what one write pass takes: the virtuals to write and the services to delete. */
export interface Batch { readonly ids: readonly string[]; readonly removals: readonly Removal[] }

export class PendingWrites {
  private readonly jobs = new Map<string, { readonly job: Job; due: 'now' | 'tick' }>();

  /** virtual marks a virtual for the next pass (a retry of it is folded in). */
  virtual(id: string): void { this.put(`v:${id}`, { id }, 'now'); }

  /** remove queues a service deletion for the next pass. */
  remove(r: Removal): void { this.put(`r:${serviceKeyString(r.key)}`, { removal: r }, 'now'); }

  /** retryVirtual / retryRemoval: again at the next tick, unless it is already due sooner. */
  retryVirtual(id: string): void { this.put(`v:${id}`, { id }, 'tick'); }
  retryRemoval(r: Removal): void { this.put(`r:${serviceKeyString(r.key)}`, { removal: r }, 'tick'); }

  /** ready: anything due now? */
  get ready(): boolean {
    for (const j of this.jobs.values()) if (j.due === 'now') return true;
    return false;
  }

  /** take removes and returns what is due now, in the order it was marked. */
  take(): Batch {
    const ids: string[] = [];
    const removals: Removal[] = [];
    for (const [k, j] of this.jobs) {
      if (j.due !== 'now') continue;
      this.jobs.delete(k);
      if ('id' in j.job) ids.push(j.job.id); else removals.push(j.job.removal);
    }
    return { ids, removals };
  }

  /** tick makes the retries due; true if there were any. */
  tick(): boolean {
    let any = false;
    for (const j of this.jobs.values()) if (j.due === 'tick') { j.due = 'now'; any = true; }
    return any;
  }

  private put(k: string, job: Job, due: 'now' | 'tick'): void {
    const cur = this.jobs.get(k);
    if (!cur) this.jobs.set(k, { job, due });
    else if (due === 'now') cur.due = 'now';
  }
}
