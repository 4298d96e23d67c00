/**
 * One deadline per check, kept by the scheduler: the real runCheck under the scheduler on a fake
 * clock. The scheduler's heap holds the deadline and the one grace; runCheck arms no timer, and
 * every abort reason is a typed CheckAborted with a code.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Scheduler, type ProbeResult } from '../../src/director/scheduler.js';
import { probeFor } from '../../src/director/spec.js';
import { createRunner } from '../../src/checks/run.js';
import { CheckAborted, GRACE_MS } from '../../src/checks/lib/time-limit.js';
import { KIND_CHECKS, SERVICE_CHECKS } from '../../src/checks/registry.js';
import type { CheckFn, CheckResult } from '../../src/checks/types.js';
import { FakeClock, global, real, virtual } from './helpers.js';

/** A checker that ignores its signal, recording the abort reasons it was given. */
function ignoring(reasons: unknown[]): CheckFn {
  return (_spec, signal) => new Promise<CheckResult>(() => {
    signal.addEventListener('abort', () => reasons.push(signal.reason), { once: true });
  });
}

function setup(check: CheckFn) {
  const clock = new FakeClock();
  const run = createRunner({ kinds: { ...KIND_CHECKS, connect: check }, services: SERVICE_CHECKS });
  const results: ProbeResult[] = [];
  const s = new Scheduler({
    clock, maxChecks: 0,
    run: (spec, signal, limit) => run(spec, signal, { clock, limit }),
    onResult: (_k, r) => results.push(r),
  });
  const p = probeFor(virtual('10.0.0.1', 80, [], { checkinterval: 60, checktype: { kind: 'connect' }, checktimeout: 2 }), real('10.1.0.1'), global());
  return { clock, s, p, results };
}

test("runCheck under the scheduler: one timer (the heap's), the deadline abort, runCheck's verdict at the end of the one grace", async () => {
  const reasons: unknown[] = [];
  const { clock, s, p, results } = setup(ignoring(reasons));
  s.add(p, 0);
  await clock.advance(1);
  assert.equal(clock.pending, 1, 'the heap timer only: runCheck armed nothing');
  await clock.advance(2_000 - 1);
  assert.equal(reasons.length, 1);
  assert.ok(reasons[0] instanceof CheckAborted);
  assert.equal((reasons[0] as CheckAborted).code, 'LD_ERR_CHECK_TIMEOUT');
  assert.equal(clock.pending, 1, 'the grace is an entry in the same heap, not a timer of runCheck');
  await clock.advance(GRACE_MS - 1);
  assert.equal(results.length, 0, 'the grace is not over');
  await clock.advance(1);
  assert.deepEqual(results.map((r) => [r.up, r.message, r.finishedAt]), [[false, 'timeout after 2000 ms', 2_000 + GRACE_MS]]);
  s.stop();
});

test('a removed probe: its check gets the typed removal reason and runCheck settles at once', async () => {
  const reasons: unknown[] = [];
  let settled = false;
  const clock = new FakeClock();
  const run = createRunner({ kinds: { ...KIND_CHECKS, connect: ignoring(reasons) }, services: SERVICE_CHECKS });
  const s = new Scheduler({
    clock, maxChecks: 0,
    run: (spec, signal, limit) => run(spec, signal, { clock, limit }).finally(() => { settled = true; }),
    onResult: () => assert.fail('a removed probe reports nothing'),
  });
  const p = probeFor(virtual('10.0.0.1', 80, [], { checkinterval: 60, checktype: { kind: 'connect' }, checktimeout: 2 }), real('10.1.0.1'), global());
  s.add(p, 0);
  await clock.advance(100);
  s.remove(p.key);
  await clock.advance(0);
  assert.deepEqual(reasons.map((r) => (r as CheckAborted).code), ['LD_ERR_CHECK_REMOVED']);
  assert.equal(settled, true, 'no promise is left waiting for a grace nobody keeps');
});
