/**
 * A check's time limit runs on the clock in its context: with a fake clock no real timer is
 * armed anywhere below runCheck, so a 10-minute timeout is reached by advancing the fake clock.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SERVICE_CHECKS } from '../../../src/checks/registry.js';
import { createRunner, GRACE_MS, runCheck } from '../../../src/checks/run.js';
import type { CheckFn, CheckResult } from '../../../src/checks/types.js';
import { makeSpec, never, serverFixture, serviceSpec, startHungServer } from '../../harness/index.js';
import { FakeClock } from '../../director/helpers.js';

const TEN_MINUTES = 600_000;

/** settledYet reports whether `p` has settled, without waiting for it. */
async function settledYet(p: Promise<unknown>): Promise<boolean> {
  return Promise.race([p.then(() => true), new Promise<boolean>((r) => setImmediate(() => r(false)))]);
}

describe('check time limits on a fake clock', () => {
  const srv = serverFixture({ hung: () => startHungServer('127.0.6.60') });

  it('smtp against a server that never greets times out when the fake clock reaches the limit', async () => {
    // Loaded first: its import is real I/O, not something the fake clock can wait for.
    await SERVICE_CHECKS.smtp.preload();
    const clock = new FakeClock();
    const spec = serviceSpec('smtp', srv.hung.host, srv.hung.port, { timeoutMs: TEN_MINUTES });
    const pending = SERVICE_CHECKS.smtp(spec, never(), { clock, hostname: 'lvs1' });
    await clock.advance(TEN_MINUTES - 1);
    assert.equal(await settledYet(pending), false, 'still waiting 1 ms before its limit');
    assert.equal(clock.pending, 1, 'exactly one timer: the limit, on the fake clock');
    await clock.advance(1);
    const r = await pending;
    assert.deepEqual([r.up, r.message, r.durationMs], [false, `timeout after ${TEN_MINUTES} ms`, TEN_MINUTES]);
    assert.equal(clock.pending, 0, 'the limit is disarmed');
  });

  it('runCheck: a checker that ignores its signal is cut after the limit plus the grace, on the fake clock', async () => {
    const clock = new FakeClock();
    const ignores: CheckFn = () => new Promise<CheckResult>(() => {});
    const run = createRunner({ kinds: { connect: ignores, ping: ignores, external: ignores, 'external-perl': ignores, on: ignores, off: ignores }, services: SERVICE_CHECKS });
    const pending = run(makeSpec({ kind: 'connect', timeoutMs: TEN_MINUTES }), never(), { clock });
    await clock.advance(TEN_MINUTES + GRACE_MS - 1);
    assert.equal(await settledYet(pending), false, 'the grace is not over');
    await clock.advance(1);
    const r = await pending;
    assert.deepEqual([r.up, r.message, r.durationMs], [false, `timeout after ${TEN_MINUTES} ms`, TEN_MINUTES + GRACE_MS]);
  });

  it('runCheck: a real check that answers leaves no timer on the fake clock', async () => {
    const clock = new FakeClock();
    const r = await runCheck(makeSpec({ kind: 'on', timeoutMs: TEN_MINUTES }), never(), { clock });
    assert.deepEqual([r.up, r.durationMs, clock.pending], [true, 0, 0]);
  });
});
