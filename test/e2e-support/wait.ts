/**
 * Polling helpers with deadlines: the end-to-end tests wait for observable states (a table
 * row, an open port) instead of sleeping for a guessed time, and fail with what they last saw.
 */
import { connect } from 'node:net';

/** sleep resolves after ms. */
export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * waitFor polls `probe` until it returns a non-undefined value, or throws after `timeoutMs`
 * with `what` and the last observation from `describe`.
 */
export async function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>,
  opts: { timeoutMs: number; intervalMs?: number; describe?: () => string | Promise<string> }): Promise<T> {
  const end = Date.now() + opts.timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) {
      const last = opts.describe ? `; last seen:\n${await opts.describe()}` : '';
      throw new Error(`timed out after ${opts.timeoutMs} ms waiting for ${what}${last}`);
    }
    await sleep(opts.intervalMs ?? 100);
  }
}

/** canConnect tries one TCP connection. */
export function canConnect(host: string, port: number, timeoutMs = 2000): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host, port });
    const t = setTimeout(() => { s.destroy(); resolve(false); }, timeoutMs);
    s.once('connect', () => { clearTimeout(t); s.destroy(); resolve(true); });
    s.once('error', () => { clearTimeout(t); resolve(false); });
  });
}

/** waitForPort waits until host:port accepts; `dead` returns a reason to give up early. */
export async function waitForPort(host: string, port: number, timeoutMs: number, dead?: () => string | undefined): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (await canConnect(host, port)) return;
    const why = dead?.();
    if (why) throw new Error(`${host}:${port} never came up: ${why}`);
    if (Date.now() > end) throw new Error(`${host}:${port} did not accept connections within ${timeoutMs} ms`);
    await sleep(100);
  }
}
