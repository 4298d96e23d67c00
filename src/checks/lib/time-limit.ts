/**
 * The one deadline of a check: its TimeLimit (start, length and the one grace after it, on an
 * injected clock), the typed abort reasons (CheckAborted: a timeout, a removal), and the budget
 * rule. runCheck arms it once on the clock, or trusts a caller that owns it (the director's
 * scheduler aborts the check's signal and ends the grace from its timer heap); withDeadline and
 * every check below read the same TimeLimit and arm no timer of their own. With a fake clock in
 * the context, no real timer runs at all.
 */
import { systemClock, type Clock, type TimerHandle } from '../../util/clock.js';
import type { CheckTarget } from '../types.js';

/** CheckClock is what a check needs of the clock: a monotonic reading and one timer. */
export type CheckClock = Pick<Clock, 'monotonic' | 'setTimeout' | 'clearTimeout'>;

/** CheckAbortCode names why a check's signal was aborted by the code that owns the check. */
export type CheckAbortCode = 'LD_ERR_CHECK_TIMEOUT' | 'LD_ERR_CHECK_REMOVED';

/**
 * CheckAborted is the one shape of an abort reason this project gives a check's signal: a name
 * (as DOM abort reasons have), a stable code and a message. Not an Error: building a stack trace
 * per check is measurable at 10,000 checks/s.
 */
export class CheckAborted {
  readonly name: string = 'AbortError';
  constructor(readonly code: CheckAbortCode, readonly message: string) {}
}

/** CheckTimeout is the abort reason at a check's deadline; named 'TimeoutError' as AbortSignal.timeout's. */
export class CheckTimeout extends CheckAborted {
  override readonly name = 'TimeoutError';
  constructor(readonly ms: number) {
    super('LD_ERR_CHECK_TIMEOUT', `timeout after ${ms} ms`);
  }
}

/** CHECK_REMOVED is the abort reason of a running check whose probe was removed (reload, stop). */
export const CHECK_REMOVED: CheckAborted = Object.freeze(new CheckAborted('LD_ERR_CHECK_REMOVED', 'probe removed'));

/** isTimeout: an abort reason that means "the deadline passed" (CheckTimeout, AbortSignal.timeout()). */
export function isTimeout(reason: unknown): boolean {
  return reason instanceof CheckTimeout
    || (typeof reason === 'object' && reason !== null && (reason as { name?: unknown }).name === 'TimeoutError');
}

/**
 * CHECK_FINISHED is what a check's own signal gets once the check is over and something still
 * listens on it (a late checker must release what it holds). A constant: no stack, no code,
 * because no one branches on it.
 */
export const CHECK_FINISHED = Object.freeze({ name: 'CheckFinished', message: 'check finished' });

/**
 * GRACE_MS is the one grace of a check: how long past its deadline abort a checker gets to
 * comply before its result is given up for `timeout after N ms`. Kept by whoever owns the
 * limit (TimeLimit.graceOver): a timer of runCheck's, or the scheduler's heap.
 */
export const GRACE_MS = 500;

/** MAX_TIMER_MS is the longest delay a Node timer holds (a longer one fires after 1 ms). */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * budgetMs is the total time a check may take. Ping makes checkCount attempts of timeoutMs each
 * (ldirectord's Net::Ping loop; connect on a UDP virtual pings), so its budget is the product;
 * everything else gets one timeout. Capped at the longest timer rather than timing out at once.
 */
export function budgetMs(spec: Pick<CheckTarget, 'kind' | 'protocol' | 'timeoutMs'> & { readonly checkCount?: number }): number {
  const usesPing = spec.kind === 'ping' || (spec.kind === 'connect' && spec.protocol === 'udp');
  return Math.min(usesPing ? spec.timeoutMs * Math.max(1, spec.checkCount ?? 1) : spec.timeoutMs, MAX_TIMER_MS);
}

/** TimeLimit: when a check started and how long it may take, read on the caller's clock. */
export class TimeLimit {
  constructor(
    readonly clock: Pick<Clock, 'monotonic'>,
    readonly ms: number,
    /** The clock's reading at the start (a scheduler passes the one its whole batch shares). */
    readonly startedAt: number = clock.monotonic(),
  ) {}

  /** elapsedMs reads the clock once. */
  elapsedMs(): number {
    return this.clock.monotonic() - this.startedAt;
  }

  /** remainingMs is the time left, never negative. */
  remainingMs(): number {
    return Math.max(0, this.ms - this.elapsedMs());
  }

  /**
   * arm calls `expire` at the limit, on `clock`'s timer, and returns the disarm. Armed at the
   * start by whoever owns the limit (runCheck, or withDeadline when a check runs on its own), so
   * it reads no clock: the whole limit is left.
   */
  arm(clock: Pick<CheckClock, 'setTimeout' | 'clearTimeout'>, expire: () => void): () => void {
    const handle: TimerHandle = clock.setTimeout(expire, Math.min(this.ms, MAX_TIMER_MS));
    return () => clock.clearTimeout(handle);
  }

  /**
   * graceOver calls `giveUp` GRACE_MS after the deadline abort, and returns the cancel. Here a
   * timer on `clock`, armed by runCheck when the abort comes; a limit whose owner already keeps
   * the time (the scheduler's heap) overrides it, so a check has one grace, never two.
   */
  graceOver(clock: Pick<CheckClock, 'setTimeout' | 'clearTimeout'>, giveUp: () => void): () => void {
    const handle: TimerHandle = clock.setTimeout(giveUp, GRACE_MS);
    return () => clock.clearTimeout(handle);
  }
}

/** SYSTEM_CLOCK: the clock of a check whose caller passed none (stateless, frozen: no shared state). */
const SYSTEM_CLOCK: CheckClock = Object.freeze(systemClock());

/** clockOf is the context's clock, else the system's. */
export function clockOf(clock: CheckClock | undefined): CheckClock {
  return clock ?? SYSTEM_CLOCK;
}
