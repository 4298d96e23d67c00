/**
 * Scheduler: every distinct probe on its own timer, all probes concurrent, bounded by a global
 * `maxchecks`. Each check gets its one deadline (a TimeLimit of the spec's budget) kept in the
 * scheduler's heap on the injected clock, with the one grace after it, so a hung real only ever
 * occupies its own probe (and one slot). First runs are spread over the
 * interval (jitter). Combined checktype N: negotiate, then N connects, then negotiate again; a
 * failed connect forces a negotiate.
 */
import type { CheckResult, CheckSpec } from '../checks/types.js';
import type { Clock } from '../util/clock.js';
import { TimerHeap } from './timerheap.js';
import { CHECK_REMOVED, CheckTimeout, GRACE_MS, TimeLimit, budgetMs } from '../checks/lib/time-limit.js';
import { ListenedAbort } from '../checks/lib/listened-abort.js';
import type { ProbeDef } from './spec.js';

/**
 * RunFn runs one spec (the director wraps runCheck with the maintenance test) under `limit`, the
 * check's one deadline, which the scheduler owns: its start is the scheduler's clock reading, and
 * the scheduler aborts `signal` with a CheckTimeout at it and keeps the grace after it (a runner
 * passes `limit` on as CheckContext.limit and arms no timer of its own).
 */
export type RunFn = (spec: CheckSpec, signal: AbortSignal, limit: TimeLimit) => Promise<CheckResult & { readonly forced?: boolean }>;

/**
 * ProbeLimit is a check's TimeLimit as the scheduler owns it: the grace after the deadline abort
 * is an entry in the scheduler's heap, so a runner's graceOver registers its give-up here
 * instead of arming a timer.
 */
class ProbeLimit extends TimeLimit {
  giveUp: (() => void) | undefined;
  override graceOver(_clock: unknown, giveUp: () => void): () => void {
    this.giveUp = giveUp;
    return () => { this.giveUp = undefined; };
  }
}

/** ProbeResult is what the scheduler reports for each finished check. */
export interface ProbeResult extends CheckResult {
  readonly kind: 'negotiate' | 'connect' | 'single';
  readonly forced?: boolean;
  /** Monotonic time the check started. */
  readonly startedAt: number;
  /** Monotonic time its result was taken (the scheduler's reading, shared with the next due time). */
  readonly finishedAt: number;
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
  /** Bumped to invalidate pending heap entries (re-arm, remove, finished run). */
  dueToken: number;
  runToken: number;
  running: boolean;
  queued: boolean;
  /** combined: connects left before the next negotiate; 0 = negotiate next. */
  connectsLeft: number;
  removed: boolean;
  /** The controller of the running check (from the scheduler's pool); undefined when idle. */
  ac?: ListenedAbort;
  limit?: ProbeLimit;
  kind: ProbeResult['kind'];
  startedAt: number;
}

/** GRID_MS is the spacing of the slots first runs are spread on (see add). */
export const GRID_MS = 50;

/**
 * START_RATE is the check rate (per second) new probes are started at: n new probes are spread
 * over n / START_RATE seconds, never more than their interval. 200 reals are all checked within
 * 0.2 s of a start instead of within a whole interval; 10,000 reals still take the interval.
 */
export const START_RATE = 1000;

/** spreadFor is the window the first runs of `count` new probes are spread over (ms). */
export function spreadFor(count: number): number {
  return Math.ceil((count / START_RATE) * 1000);
}

const DUE = 0;
const DEADLINE = 1;
const GRACE = 2;

export class Scheduler {
  private probes = new Map<string, Probe>();
  private queue: Probe[] = [];
  private running = 0;
  private stopped = false;
  /**
   * Clean controllers (never aborted, no listener left) for the next checks to start. A check
   * takes one and gives it back when it settles clean, so the scheduler makes about as many
   * controllers as checks run at once, not one per probe: a new ListenedAbort costs a few times a
   * check's own work, and 10,000 new probes (a start, a reload) made 10,000 of them.
   */
  private readonly idle: ListenedAbort[] = [];
  private maxChecks: number;
  private readonly timers: TimerHeap<Probe>;
  /** Deadlines due, judged after the I/O of this turn (clock.afterIo); each with its run token. */
  private expiring: { p: Probe; token: number }[] = [];
  checksRun = 0;

  constructor(private readonly o: SchedulerOptions) {
    this.maxChecks = o.maxChecks;
    this.timers = new TimerHeap<Probe>(o.clock, (e, now) => {
      const p = e.target;
      if (e.type === DUE) { if (e.token === p.dueToken) this.due(p, now); }
      else if (e.token !== p.runToken || !p.running) return;
      else if (e.type === DEADLINE) this.deadline(p, now);
      else this.graceOver(p, now);
    });
  }

  get size(): number { return this.probes.size; }
  get active(): number { return this.running; }
  has(key: string): boolean { return this.probes.has(key); }

  /**
   * add registers a probe; its first run is after `firstDelayMs`, or at a random slot of the
   * first `spreadMs` of its interval (default: the whole interval; the director passes
   * spreadFor(new probes)). Slots are GRID_MS apart, so probes share due times: the checks of one
   * slot start in one turn of the event loop and their connects and answers come back in shared
   * epoll wake-ups (fewer wake-ups per check, and each wake-up reads the clock: a syscall in the
   * kernel lab). Fixed-rate scheduling keeps them on the grid afterwards.
   */
  add(def: ProbeDef, firstDelayMs?: number, spreadMs = def.intervalMs): void {
    if (this.probes.has(def.key)) return;
    const span = Math.max(0, Math.min(spreadMs, def.intervalMs));
    const slots = Math.max(1, Math.floor(span / GRID_MS));
    const delay = firstDelayMs ?? Math.floor((this.o.random ?? Math.random)() * slots) * (span / slots);
    const p: Probe = {
      def, due: this.o.clock.monotonic() + Math.max(0, delay), dueToken: 0, runToken: 0, running: false, queued: false,
      connectsLeft: 0, removed: false, kind: 'single', startedAt: 0,
    };
    this.probes.set(def.key, p);
    this.timers.push(p.due, p, DUE, p.dueToken);
  }

  /** remove stops a probe; a running check is aborted and its result dropped. */
  remove(key: string): void {
    const p = this.probes.get(key);
    if (!p) return;
    p.removed = true;
    p.dueToken++;
    this.probes.delete(key);
    if (p.queued) this.queue = this.queue.filter((q) => q !== p);
    if (p.running) {
      p.ac?.abort(CHECK_REMOVED);
      // The runner's grace is ours to end, and nobody waits for the result: end it now.
      p.limit?.giveUp?.();
      this.settle(p);
      // The freed slot goes to a queued probe now: nothing else may finish to hand it over.
      if (!this.stopped) this.drain(this.o.clock.monotonic());
    }
  }

  /** setMaxChecks changes the cap (reload); a raised cap starts queued probes at once. */
  setMaxChecks(n: number): void {
    this.maxChecks = n;
    if (!this.stopped) this.drain(this.o.clock.monotonic());
  }

  /** stop removes every probe. */
  stop(): void {
    this.stopped = true;
    for (const k of [...this.probes.keys()]) this.remove(k);
    this.idle.length = 0;
    this.timers.clear();
    this.expiring = [];
  }

  private due(p: Probe, now: number): void {
    if (p.removed || this.stopped) return;
    if (this.maxChecks > 0 && this.running >= this.maxChecks) {
      p.queued = true;
      this.queue.push(p);
      return;
    }
    this.start(p, now);
  }

  /** start runs a check; `now` is the caller's clock reading (a batch shares one). */
  private start(p: Probe, now: number): void {
    const startedAt = now;
    this.o.onStart?.(p.def.key, startedAt - p.due);
    const kind: ProbeResult['kind'] = p.def.combinedN === undefined ? 'single' : p.connectsLeft > 0 ? 'connect' : 'negotiate';
    const spec = kind === 'connect' && p.def.connect ? p.def.connect : p.def.spec;
    this.running++;
    this.checksRun++;
    p.running = true;
    p.kind = kind;
    p.startedAt = startedAt;
    const token = ++p.runToken;
    // A controller is reused while it was never aborted and the last check left no listener on
    // it (runCheck removes its own): one AbortController per check is a large share of the
    // garbage at 10k checks/s, and garbage is what turns into GC pauses and lag.
    const ac = this.idle.pop() ?? new ListenedAbort();
    p.ac = ac;
    // The deadline lives in this heap, not in a timer per check: at it the check's signal is
    // aborted with a CheckTimeout (runCheck then reports `timeout after N ms`), and the grace
    // after it frees the slot of a check that never settles, so a hung real cannot hold it forever.
    const limit = new ProbeLimit(this.o.clock, budgetMs(spec), startedAt);
    p.limit = limit;
    this.timers.push(startedAt + limit.ms, p, DEADLINE, token);
    let pr: Promise<CheckResult & { forced?: boolean }>;
    try { pr = this.o.run(spec, ac.signal, limit); } catch (e) { pr = Promise.reject(e); }
    pr.then((r) => { if (p.runToken === token && p.running) this.finish(p, r); }, (e: unknown) => {
      if (p.runToken === token && p.running) {
        this.finish(p, { up: false, message: e instanceof Error ? e.message : String(e), durationMs: limit.elapsedMs() });
      }
    });
  }

  /**
   * deadline: the check's time is up. Judged after this turn's I/O when the clock can (afterIo):
   * the timers phase runs before the poll phase, so after a long turn (a loaded or starved host:
   * turns of seconds in the kernel lab) the deadline fires while the answer already waits in the
   * socket, and aborting then throws it away; every check of a round failed that way and no real
   * ever came in (docs/benchmarks.md, "Engine in the kernel lab"). One afterIo per batch.
   */
  private deadline(p: Probe, now: number): void {
    const afterIo = this.o.clock.afterIo;
    if (!afterIo) { this.expire(p, p.runToken, now); return; }
    this.expiring.push({ p, token: p.runToken });
    if (this.expiring.length === 1) afterIo.call(this.o.clock, () => this.expireBatch());
  }

  private expireBatch(): void {
    const due = this.expiring;
    this.expiring = [];
    let now: number | undefined;
    for (const { p, token } of due) {
      // Answered in the meantime (finish bumped the token), removed, or stopped: nothing to judge.
      if (p.runToken !== token || !p.running || this.stopped) continue;
      this.expire(p, token, now ??= this.o.clock.monotonic());
    }
  }

  /** expire tells the check its time is up and gives it the grace to answer. */
  private expire(p: Probe, token: number, now: number): void {
    p.ac?.abort(new CheckTimeout(p.limit?.ms ?? 0));
    this.timers.push(now + GRACE_MS, p, GRACE, token);
  }

  /**
   * graceOver: the check did not answer within the grace after its deadline abort. A runner that
   * took the grace (runCheck) gives its own verdict now; a runner that did not is cut here.
   */
  private graceOver(p: Probe, now: number): void {
    const giveUp = p.limit?.giveUp;
    if (giveUp) { giveUp(); return; }
    const ms = p.limit?.ms ?? 0;
    this.finish(p, { up: false, message: `timeout after ${ms} ms`, durationMs: ms }, now);
  }

  /** settle frees the slot of a run (no abort after a normal answer: abort() is costly). */
  private settle(p: Probe): void {
    p.runToken++;
    p.running = false;
    p.limit = undefined;
    const ac = p.ac;
    p.ac = undefined;
    if (ac && !ac.signal.aborted && !ac.listened) this.idle.push(ac);
    this.running--;
  }

  private finish(p: Probe, r: CheckResult & { forced?: boolean }, at?: number): void {
    // The runner measured the check on this clock (RunFn gets the limit): its end is the reading
    // we need, without another one.
    const now = at ?? (Number.isFinite(r.durationMs) && r.durationMs >= 0 ? p.startedAt + r.durationMs : this.o.clock.monotonic());
    this.settle(p);
    if (!p.removed) {
      const kind = p.kind;
      this.advanceCombined(p, kind, r.up);
      this.o.onResult(p.def.key, { up: r.up, message: r.message, durationMs: r.durationMs, forced: r.forced, kind, startedAt: p.startedAt, finishedAt: now });
      // Fixed rate from the due time; a check longer than the interval runs again at once.
      p.due = Math.max(p.due + p.def.intervalMs, now);
      this.timers.push(p.due, p, DUE, ++p.dueToken);
    }
    this.drain(now);
  }

  private advanceCombined(p: Probe, kind: ProbeResult['kind'], up: boolean): void {
    if (p.def.combinedN === undefined) return;
    if (kind === 'negotiate') p.connectsLeft = up ? p.def.combinedN : 0;
    else if (kind === 'connect') p.connectsLeft = up ? p.connectsLeft - 1 : 0;
  }

  private drain(now: number): void {
    while (this.queue.length > 0 && (this.maxChecks <= 0 || this.running < this.maxChecks)) {
      const p = this.queue.shift()!;
      p.queued = false;
      if (!p.removed) this.start(p, now);
    }
  }
}
