/**
 * Polling helpers for tests: wait for a condition with a deadline. One implementation for every
 * suite; callers keep their own timeouts and poll intervals.
 */

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** pollUntil polls `pred` every `stepMs` until it is true or `timeoutMs` passed; returns its last value. */
export async function pollUntil(pred: () => boolean | Promise<boolean>, timeoutMs: number, stepMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await pred()) return true;
    await sleep(stepMs);
  }
  return pred();
}

/** waitUntil is pollUntil that throws `<what> ... after <timeoutMs> ms` when the condition never held. */
export async function waitUntil(what: string, pred: () => boolean | Promise<boolean>, timeoutMs: number, stepMs: number): Promise<void> {
  if (!(await pollUntil(pred, timeoutMs, stepMs))) throw new Error(`${what} after ${timeoutMs} ms`);
}
