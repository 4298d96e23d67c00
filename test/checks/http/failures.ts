/** The two failure tests every http-family check runs against real sockets. */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { GRACE_MS } from '../../../src/checks/run.js';
import type { CheckResult, CheckSpec } from '../../../src/checks/types.js';

/**
 * refusedAndHungTests registers: a closed port is down with exactly ECONNREFUSED, and a server
 * that accepts and never answers is down with exactly `timeout after 500 ms`, within the
 * runner's grace. Ports are read when the tests run (after the suite's `before`).
 */
export function refusedAndHungTests(
  run: (over: Partial<CheckSpec>) => Promise<CheckResult>,
  ports: () => { closed: number; hung: number },
  names: { refused: string; hung: string },
): void {
  it(names.refused, async () => {
    const r = await run({ checkPort: ports().closed });
    assert.deepEqual([r.up, r.message], [false, 'ECONNREFUSED']);
  });

  it(names.hung, async () => {
    const t0 = performance.now();
    const r = await run({ checkPort: ports().hung, timeoutMs: 500 });
    const took = performance.now() - t0;
    assert.deepEqual([r.up, r.message], [false, 'timeout after 500 ms']);
    assert.ok(took < 500 + GRACE_MS + 1500, `took ${took}`);
  });
}
