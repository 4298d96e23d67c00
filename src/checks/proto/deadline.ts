/**
 * Deadline and outcome helpers shared by the mail, directory and file-transfer checks.
 * A check's deadline is the earlier of spec.timeoutMs and the caller's AbortSignal; every
 * socket a check opens is tied to `Deadline.signal`, so firing it releases everything.
 */
import { LdError, isLdError } from '../../util/errors.js';
import type { CheckResult, CheckSpec } from '../types.js';
import { compileReceive as compileReceiveOrReason } from '../lib/result.js';

/** Deadline is one check's combined timeout + caller abort. */
export interface Deadline {
  /** signal aborts when the timeout fires or the caller aborts, whichever is first. */
  readonly signal: AbortSignal;
  /** expired tells whether the check's own timeout (not the caller) fired. */
  expired(): boolean;
  /** elapsedMs since the deadline was started. */
  elapsedMs(): number;
  /** dispose clears the timer and detaches from the caller's signal. */
  dispose(): void;
}

/** startDeadline arms a timer for timeoutMs and follows the caller's signal. */
export function startDeadline(timeoutMs: number, outer: AbortSignal): Deadline {
  const started = performance.now();
  const ctl = new AbortController();
  let fired = false;
  const ms = Math.max(0, timeoutMs);
  const timer = setTimeout(() => {
    if (ctl.signal.aborted) return; // the caller was first: that stays an abort, not a timeout
    fired = true;
    ctl.abort(new LdError('LD_ERR_CHECK', `timeout after ${ms} ms`));
  }, ms);
  const onAbort = (): void => ctl.abort(outer.reason);
  if (outer.aborted) onAbort();
  else outer.addEventListener('abort', onAbort, { once: true });
  return {
    signal: ctl.signal,
    expired: () => fired,
    elapsedMs: () => performance.now() - started,
    dispose: () => {
      clearTimeout(timer);
      outer.removeEventListener('abort', onAbort);
    },
  };
}

/** fail makes the error for an expected "down" outcome: its message is what the monitor shows. */
export function fail(message: string): LdError {
  return new LdError('LD_ERR_CHECK', message);
}

/**
 * describeFailure turns whatever ended a check into its one-line reason. A fired deadline wins
 * over the error it provoked (a destroyed socket reports ECONNRESET or "aborted", which would
 * hide the real cause).
 */
export function describeFailure(err: unknown, deadline: Deadline, timeoutMs: number): string {
  if (deadline.expired()) return `timeout after ${timeoutMs} ms`;
  if (deadline.signal.aborted) {
    const r: unknown = deadline.signal.reason;
    // AbortSignal.timeout() from the scheduler aborts with a TimeoutError: still a timeout.
    if (r instanceof Error && r.name === 'TimeoutError') return `timeout after ${timeoutMs} ms`;
    return 'aborted';
  }
  return errorText(err);
}

/**
 * errorText is a thrown value as one short line: our own failures verbatim, socket errors as
 * `ECODE: text`, OpenSSL's long "error:0A00010B:SSL routines:fn:reason:file:line" as its reason.
 */
export function errorText(err: unknown): string {
  if (isLdError(err)) return err.message;
  if (!(err instanceof Error)) return clipText(String(err));
  const code = (err as NodeJS.ErrnoException).code;
  let text = err.message.split('\n')[0] ?? '';
  const ssl = /SSL routines:[^:]*:([^:]+)/.exec(text);
  if (ssl?.[1]) text = ssl[1];
  if (typeof code === 'string' && code !== '' && !text.includes(code)) text = `${code}: ${text}`;
  return clipText(text || err.name);
}

function clipText(text: string, limit = 200): string {
  return text.length <= limit ? text : `${text.slice(0, limit)}...`;
}

/**
 * runGuarded runs a check body under a deadline and converts every outcome to a CheckResult:
 * the body returns the "up" message or throws; nothing escapes, and the deadline is always
 * disposed. Bodies must tie their sockets to `deadline.signal` and close them in `finally`.
 */
export async function runGuarded(
  spec: CheckSpec,
  signal: AbortSignal,
  body: (deadline: Deadline) => Promise<string>,
): Promise<CheckResult> {
  const deadline = startDeadline(spec.timeoutMs, signal);
  try {
    // An already-aborted caller gets its answer without any I/O.
    if (deadline.signal.aborted) throw deadline.signal.reason;
    // Racing the abort guarantees the result even if a library ignores the destroyed socket.
    const message = await Promise.race([body(deadline), abortPromise(deadline.signal)]);
    return { up: true, message, durationMs: Math.round(deadline.elapsedMs()) };
  } catch (err) {
    return { up: false, message: describeFailure(err, deadline, spec.timeoutMs), durationMs: Math.round(deadline.elapsedMs()) };
  } finally {
    deadline.dispose();
  }
}

/** abortPromise rejects when the signal aborts (and never resolves). */
export function abortPromise(signal: AbortSignal): Promise<never> {
  return new Promise<never>((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    else signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}

/** targetPort is the port to check: spec.checkPort when set, else the service's well-known port. */
export function targetPort(spec: CheckSpec, wellKnown: number): number {
  return spec.checkPort > 0 ? spec.checkPort : wellKnown;
}

/**
 * compileReceive compiles a receive regex with the shared rule of src/checks/lib/result.ts;
 * an invalid one becomes a down result, never a crash (reference §0 #9).
 */
export function compileReceive(source: string): RegExp {
  const re = compileReceiveOrReason(source);
  if (typeof re === 'string') throw fail(re);
  return re;
}
