/**
 * The checks tests' one server fixture: a suite names the servers (and free ports) it needs,
 * `serverFixture` starts them in a `before` hook, in order, and stops every one it started in
 * an `after` hook, in reverse order, also when a later one failed to start.
 */
import { after, before } from 'node:test';

/** Resolved turns a record of values or promises into the record of their values. */
type Resolved<T> = { readonly [K in keyof T]: Awaited<T[K]> };

/** stopOf: how the fixture stops a value (a TestServer closes, a ServerProcess or site stops). */
function stopOf(value: unknown): (() => Promise<unknown> | unknown) | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Partial<Record<'stop' | 'close', () => unknown>>;
  if (typeof v.stop === 'function') return () => v.stop!();
  if (typeof v.close === 'function') return () => v.close!();
  return undefined;
}

/**
 * serverFixture registers the suite's hooks and returns the record its servers are put in once
 * started (read it in tests and hooks, not while the suite is being declared). Each value of
 * `make` is a thunk, started once the previous one is up; values with stop() or close() are
 * stopped after the suite.
 */
export function serverFixture<T extends Record<string, () => unknown>>(make: T): Resolved<{ [K in keyof T]: ReturnType<T[K]> }> {
  const started: Record<string, unknown> = {};
  const stops: Array<() => Promise<unknown> | unknown> = [];
  before(async () => {
    for (const [name, start] of Object.entries(make)) {
      const value = await start();
      started[name] = value;
      const stop = stopOf(value);
      if (stop) stops.push(stop);
    }
  });
  after(async () => {
    for (const stop of stops.splice(0).reverse()) await stop();
  });
  return started as Resolved<{ [K in keyof T]: ReturnType<T[K]> }>;
}
