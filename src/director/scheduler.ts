/**
 * Scheduler: every distinct probe on its own timer, all probes concurrent, bounded by a global
 * `maxchecks`. Each check gets its own deadline (the spec's timeout) armed on the injected clock,
 * so a hung real only ever occupies its own probe (and one slot). First runs are spread over the
 * interval (jitter). Combined checktype N: negotiate, then N connects, then negotiate again; a
 * failed connect forces a negotiate.
 */
import type { CheckResult, CheckSpec } from '../checks/types.js';
import type { Clock, TimerHandle } from '../util/clock.js';
import type { ProbeDef } from './spec.js';

/** RunFn runs one spec (the director wraps runCheck with the maintenance test). */
export type RunFn = (spec: CheckSpec, signal: AbortSignal) => Promise<CheckResult & { readonly forced?: boolean }>;

/** ProbeResult is what the scheduler reports for each finished check. */
export interface ProbeResult extends CheckResult {
  readonly kind: 'negotiate' | 'connect' | 'single';
  readonly forced?: boolean;
  /** Monotonic time the check started. */
  readonly startedAt: number;
}

export interface SchedulerOptions {
  readonly clock: Clock;
  readonly run: RunFn;
  readonly onResult: (key: string, r: ProbeResult) => void;
  /** Global cap on running checks; <= 0 = unbounded. */
  readonly maxChecks: number;
  readonly random?: () => number;
  /** Observer for lag (ms between a check's due time and its start); benchmarks use it. */
  readonly onStart?: (key: string, lagMs: number) => void;
}

interface Probe {
  def: ProbeDef;
  due: number;
  timer?: TimerHandle;
  running: boolean;
  queued: boolean;
  /** combined: connects left before the next negotiate; 0 = negotiate next. */
  connectsLeft: number;
  removed: boolean;
}

export class Scheduler {
  private probes = new Map<string, Probe>();
  private queue: Probe[] = [];
  private running = 0;
  private stopped = false;
  checksRun = 0;

  constructor(private readonly o: SchedulerOptions) {}

  get size(): number { return this.probes.size; }
  get active(): number { return this.running; }
  has(key: string): boolean { return this.probes.has(key); }

  /** add registers a probe; its first run is after `firstDelayMs`, or a random point in its interval. */
  add(def: ProbeDef, firstDelayMs?: number): void {
    if (this.probes.has(def.key)) return;
    const delay = firstDelayMs ?? Math.floor((this.o.random ?? Math.random)() * def.intervalMs);
    const p: Probe = { def, due: this.o.clock.monotonic() + delay, running: false, queued: false, connectsLeft: 0, removed: false };
    this.probes.set(def.key, p);
    this.arm(p, delay);
  }

  /** remove stops a probe; a running check is aborted and its result dropped. */
  remove(key: string): void {
    const p = this.probes.get(key);
    if (!p) return;
    p.removed = true;
    if (p.timer) this.o.clock.clearTimeout(p.timer);
    this.probes.delete(key);
    if (p.queued) this.queue = this.queue.filter((q) => q !== p);
  }

  /** stop removes every probe. */
  stop(): void {
    this.stopped = true;
    for (const k of [...this.probes.keys()]) this.remove(k);
  }

  private arm(p: Probe, delay: number): void {
    p.timer = this.o.clock.setTimeout(() => { p.timer = undefined; this.due(p); }, Math.max(0, delay));
  }

  private due(p: Probe): void {
    if (p.removed || this.stopped) return;
    if (this.o.maxChecks > 0 && this.running >= this.o.maxChecks) {
      p.queued = true;
      this.queue.push(p);
      return;
    }
    this.start(p);
  }

  private start(p: Probe): void {
    const clock = this.o.clock;
    const startedAt = clock.monotonic();
    this.o.onStart?.(p.def.key, startedAt - p.due);
    const kind: ProbeResult['kind'] = p.def.combinedN === undefined ? 'single' : p.connectsLeft > 0 ? 'connect' : 'negotiate';
    const spec = kind === 'connect' && p.def.connect ? p.def.connect : p.def.spec;
    this.running++;
    this.checksRun++;
    p.running = true;
    const ac = new AbortController();
    let settled = false;
    const finish = (r: CheckResult & { forced?: boolean }): void => {
      if (settled) return;
      settled = true;
      clock.clearTimeout(deadline);
      if (!ac.signal.aborted) ac.abort();
      this.running--;
      p.running = false;
      if (!p.removed) {
        this.advanceCombined(p, kind, r.up);
        this.o.onResult(p.def.key, { ...r, kind, startedAt });
        // Fixed rate from the due time; a check longer than the interval runs again at once.
        const now = clock.monotonic();
        p.due = Math.max(p.due + p.def.intervalMs, now);
        this.arm(p, p.due - now);
      }
      this.drain();
    };
    // The deadline belongs to the scheduler: a check that ignores its signal still frees its slot.
    const deadline = clock.setTimeout(() => {
      finish({ up: false, message: `timeout after ${spec.timeoutMs} ms`, durationMs: spec.timeoutMs });
    }, spec.timeoutMs);
    let pr: Promise<CheckResult & { forced?: boolean }>;
    try { pr = this.o.run(spec, ac.signal); } catch (e) { pr = Promise.reject(e); }
    pr.then(finish, (e: unknown) => {
      finish({ up: false, message: e instanceof Error ? e.message : String(e), durationMs: clock.monotonic() - startedAt });
    });
  }

  private advanceCombined(p: Probe, kind: ProbeResult['kind'], up: boolean): void {
    if (p.def.combinedN === undefined) return;
    if (kind === 'negotiate') p.connectsLeft = up ? p.def.combinedN : 0;
    else if (kind === 'connect') p.connectsLeft = up ? p.connectsLeft - 1 : 0;
  }

  private drain(): void {
    while (this.queue.length > 0 && (this.o.maxChecks <= 0 || this.running < this.o.maxChecks)) {
      const p = this.queue.shift()!;
      p.queued = false;
      if (!p.removed) this.start(p);
    }
  }
}
