// The short soak (bench/soak-run.ts; the 30-minute run is bench/soak.ts, docs/reliability.md
// "Soak"): the engine with real http checks against a real http server on loopback, 5 % of the
// reals flapping. What it asserts can fail and does not depend on the machine's speed: once the
// flapping stops every real is back in the table, every write succeeded, and after stop the
// process holds exactly the descriptors and sockets it held before the director started.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { countFds, runSoak } from '../../bench/soak-run.js';

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
  assert.deepEqual(r.after, r.baseline, 'fds and sockets after stop = before start');
});

// What the soak's last assertion rests on: countFds sees a socket open and closed. (Sampling the
// soak itself for open sockets depends on when the sample lands between fast loopback checks.)
test('countFds counts an open socket and no longer counts it once closed', async () => {
  const before = countFds();
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const open = countFds();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  assert.equal(open.sockets, before.sockets + 1);
  assert.deepEqual(countFds(), before);
});
