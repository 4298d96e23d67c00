/**
 * The one deadline of a check: its TimeLimit (start and length on an injected clock), the
 * typed abort reason at it (CheckTimeout), and the budget rule. runCheck arms it once on the
 * clock, or trusts a caller that owns it (the director's scheduler aborts the check's signal
 * from its timer heap); withDeadline and every check below read the same TimeLimit and arm no
 * timer of their own. With a fake clock in the context, no real timer runs at all.
 */
import { systemClock, type Clock, type TimerHandle } from '../../util/clock.js';
import type { CheckSpec } from '../types.js';

/** CheckClock is what a check needs of the clock: a monotonic reading and one timer. */
export type CheckClock = Pick<Clock, 'monotonic' | 'setTimeout' | 'clearTimeout'>;

/**
 * CheckTimeout is the abort reason at a check's deadline. Not an Error: building a stack trace
 * per check is measurable at 10,000 checks/s. Named 'TimeoutError' as AbortSignal.timeout's.
 */
export class CheckTimeout {
  readonly name = 'TimeoutError';
  readonly code = 'LD_ERR_CHECK_TIMEOUT';
  readonly message: string;
  constructor(readonly ms: number) {
    this.message = `timeout after ${ms} ms`;
  }
}

/** isTimeout: an abort reason that means "the deadline passed" (CheckTimeout, AbortSignal.timeout()). */
export function isTimeout(reason: unknown): boolean {
  return typeof reason === 'object' && reason !== null && (reason as { name?: unknown }).name === 'TimeoutError';
}

/** CHECK_FINISHED is the abort reason a check's signal gets once the check is over (a constant: no stack). */
export const CHECK_FINISHED = Object.freeze({ name: 'CheckFinished', message: 'check finished' });

/** MAX_TIMER_MS is the longest delay a Node timer holds (a longer one fires after 1 ms). */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * budgetMs is the total time a check may take. Ping makes checkCount attempts of timeoutMs each
 * (ldirectord's Net::Ping loop; connect on a UDP virtual pings), so its budget is the product;
 * everything else gets one timeout. Capped at the longest timer rather than timing out at once.
 */
export function budgetMs(spec: Pick<CheckSpec, 'kind' | 'protocol' | 'timeoutMs' | 'checkCount'>): number {
  const usesPing = spec.kind === 'ping' || (spec.kind === 'connect' && spec.protocol === 'udp');
  return Math.min(usesPing ? spec.timeoutMs * Math.max(1, spec.checkCount) : spec.timeoutMs, MAX_TIMER_MS);
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
}

/** SYSTEM_CLOCK: the clock of a check whose caller passed none (stateless, frozen: no shared state). */
const SYSTEM_CLOCK: CheckClock = Object.freeze(systemClock());

/** clockOf is the context's clock, else the system's. */
export function clockOf(clock: CheckClock | undefined): CheckClock {
  return clock ?? SYSTEM_CLOCK;
}
