// The short soak (bench/soak-run.ts; the 30-minute run is bench/soak.ts, docs/reliability.md
// "Soak"): the engine with real http checks against a real http server on loopback, 5 % of the
// reals flapping. What it asserts can fail and does not depend on the machine's speed: once the
// flapping stops every real is back in the table, every write succeeded, and after stop the
// process holds exactly the descriptors and sockets it held before the director started.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runSoak } from '../../bench/soak-run.js';

test('short soak: 400 reals, 5 % flapping; the table converges, and stop leaves no fd or socket behind', async () => {
  const r = await runSoak({
    reals: 400, realsPerVirtual: 10, checkinterval: 1, flapEvery: 20, flapIntervals: 3,
    seconds: 10, sampleSeconds: 5, settleSeconds: 120,
  });
  assert.equal(r.flapping, 20);
  assert.ok(r.totalFlaps >= 20, `the reals flapped (${r.totalFlaps} changes)`);
  assert.ok(r.flapWrites > 0, 'the flaps reached the table');
  assert.equal(r.ipvsErrors, 0);
  assert.ok(r.converged, `all 400 reals back in the table, found ${r.destsAtEnd}`);
  assert.ok(r.samples.some((s) => s.sockets > r.baseline.sockets), 'checks held sockets while running');
  assert.deepEqual(r.after, r.baseline, 'fds and sockets after stop = before start');
});
