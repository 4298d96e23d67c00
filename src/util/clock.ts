/**
 * Clock is the only way runtime code reads time or arms timers, so tests can drive time by hand.
 * No module holds a global clock: it is passed in.
 */
export interface Clock {
  /** now returns milliseconds since the epoch (Date.now semantics). */
  now(): number;
  /** monotonic returns a monotonic millisecond reading (performance.now semantics). */
  monotonic(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
  /**
   * afterIo runs `fn` once the I/O that is ready now has been handled (setImmediate: the check
   * phase, after this turn's poll phase). A deadline judged here sees an answer that arrived
   * while a long turn ran; judged in the timers phase, it would throw that answer away. Absent
   * (fake clocks): callers judge at once.
   */
  afterIo?(fn: () => void): void;
}

export interface TimerHandle { readonly id: unknown }

/** systemClock is the real clock; construct it once in the composition root and pass it down. */
export function systemClock(): Clock {
  return {
    now: () => Date.now(),
    monotonic: () => performance.now(),
    setTimeout: (fn, ms) => ({ id: setTimeout(fn, ms) }),
    clearTimeout: (h) => clearTimeout(h.id as NodeJS.Timeout),
    afterIo: (fn) => { setImmediate(fn); },
  };
}
