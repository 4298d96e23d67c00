/**
 * The one deadline of every check that runs a protocol exchange (mail, nntp, ldap, ftp, dns,
 * radius, sql, sip): `timeoutMs` or the caller's AbortSignal, whichever comes first, bounds the
 * whole check, and every outcome - a return, a throw, the deadline - becomes a CheckResult.
 */
import { CheckError } from '../../util/errors.js';
import type { CheckContext, CheckResult } from '../types.js';
import { CHECK_FINISHED, CheckTimeout, TimeLimit, clockOf, isTimeout } from './time-limit.js';
import { ByteBudget } from './byte-budget.js';
import { clip, errorText, type ErrorStyle } from './result.js';

/** Outcome is what a check body decides: up or down, with a short reason. */
export interface Outcome {
  readonly up: boolean;
  readonly message: string;
}

/** down builds a down Outcome. */
export const down = (message: string): Outcome => ({ up: false, message });
/** up builds an up Outcome. */
export const up = (message: string): Outcome => ({ up: true, message });

/**
 * fail makes the error for an expected "down" outcome deep inside a body (a protocol "no"):
 * thrown, its message is what the monitor shows, verbatim in either ErrorStyle.
 */
export function fail(message: string): CheckError {
  return new CheckError('LD_ERR_CHECK', message);
}

/** Deadline is handed to a check body: one signal for "give up now", and a place to register releases. */
export interface Deadline {
  /** Aborts at the timeout, when the caller's signal aborts, and when the check has finished. */
  readonly signal: AbortSignal;
  /** defer registers a release (destroy a socket, end a connection); all run once the check is over. */
  defer(release: () => void): void;
  /** remainingMs is the time left before the timeout, never negative. */
  remainingMs(): number;
  /** budget bounds the bytes the check reads, on all its sockets: meter() each one with it. */
  readonly budget: ByteBudget;
}

/** DeadlineOptions tunes how a thrown error is reported (see ErrorStyle; default 'errno'). */
export interface DeadlineOptions {
  readonly errors?: ErrorStyle;
  /** The check's byte bound (maxresponsebytes); unbounded when absent. */
  readonly maxBytes?: number;
  /**
   * The check's context: its time limit when runCheck (or the scheduler) owns it - the caller's
   * signal then aborts at it and no timer is armed here - and the clock to arm one on otherwise.
   */
  readonly ctx?: CheckContext;
}

/**
 * withDeadline runs `body` under one total deadline. At the deadline it returns a down result
 * at once, without waiting for the body (a library that ignores the signal is cut off by the
 * releases the body registered, which run on every exit path). It never throws: a rejection
 * becomes a down result with errorText(err); a fired deadline wins over the error it provoked
 * (a destroyed socket reports ECONNRESET or "aborted", which would hide the real cause), and
 * so does an exceeded byte budget (a library reports the socket it lost, not why it was lost).
 * Messages: `timeout after N ms` for our timeout (or a caller's TimeoutError), `aborted` when
 * the caller gave up, as runCheck says. ldirectord's SQL checks had no timeout at all
 * (reference §5); every check here has one.
 */
export async function withDeadline(
  timeoutMs: number, outer: AbortSignal, body: (d: Deadline) => Promise<Outcome>, opts: DeadlineOptions = {},
): Promise<CheckResult> {
  // One time limit: the caller's when it owns one (its signal aborts at it), else ours on the
  // context's clock (a fake one in tests: no real timer).
  const owned = opts.ctx?.limit;
  const clock = clockOf(opts.ctx?.clock);
  const limit = owned ?? new TimeLimit(clock, Math.max(0, timeoutMs));
  const style = opts.errors ?? 'errno';
  const budget = new ByteBudget(opts.maxBytes ?? Infinity);
  const ac = new AbortController();
  const releases: Array<() => void> = [];
  let finished = false;
  const timeoutText = `timeout after ${timeoutMs} ms`;
  const expiredOutcome = (): Outcome => {
    const r: unknown = outer.aborted ? outer.reason : undefined;
    return down(r === undefined || isTimeout(r) ? timeoutText : 'aborted');
  };
  const expired = new Promise<Outcome>((resolve) => {
    ac.signal.addEventListener('abort', () => resolve(expiredOutcome()), { once: true });
  });
  const onOuter = (): void => ac.abort(outer.reason);
  if (outer.aborted) ac.abort(outer.reason);
  else outer.addEventListener('abort', onOuter, { once: true });
  const disarm = owned ? undefined : limit.arm(clock, () => ac.abort(new CheckTimeout(timeoutMs)));

  const deadline: Deadline = {
    signal: ac.signal,
    defer: (release) => {
      if (finished) safely(release); else releases.push(release);
    },
    remainingMs: () => limit.remainingMs(),
    budget,
  };
  let work: Promise<Outcome>;
  try {
    // An already-aborted caller gets its answer without any I/O.
    work = ac.signal.aborted ? expired : body(deadline);
  } catch (e) {
    work = Promise.resolve(down(errorText(e, style)));
  }
  const guarded = work.then(
    (o) => o,
    (e: unknown) => {
      if (ac.signal.aborted) return expiredOutcome();
      return down(budget.exceeded ? budget.error().message : errorText(e, style));
    },
  );
  const outcome = await Promise.race([guarded, expired]);
  finished = true;
  disarm?.();
  outer.removeEventListener('abort', onOuter);
  // Aborting on success too tells listeners inside the body that nobody waits for them any more.
  if (!ac.signal.aborted) ac.abort(CHECK_FINISHED);
  for (const release of releases.splice(0)) safely(release);
  return { up: outcome.up, message: clip(outcome.message), durationMs: limit.elapsedMs() };
}

function safely(release: () => void): void {
  try { release(); } catch { /* a release must never turn a result into a throw */ }
}
