/**
 * Issue 13, the seed's own test in the kernel lab: two directors under heartbeat v1 with the
 * seed's haresources line (`IPaddr::VIP ipvsadm ldirectord::www`, our package as
 * /usr/sbin/ldirectord), two nginx reals in LVS-DR, a client streaming requests through the VIP.
 * The active director crashes (link down, every process killed): the backup takes the VIP and
 * programs its table, the client's gap is bounded, and a long-lived connection opened before the
 * crash is still served after it when the kernel's sync daemon runs on both directors, and is
 * not when it does not. Figures (takeover, requests lost) go to the TAP output; the benchmark
 * (bench/pair-lab.ts) repeats them for docs/benchmarks.md.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { clearTable } from '../../e2e-support/ipvs-table.js';
import { assertInLab } from '../support.js';
import { installPackage, uninstallPackage } from '../cluster/package.js';
import { runFailover, type FailoverResult } from './pair-failover.js';
import { startLan, type Lan } from './pair-topology.js';

assertInLab();

/** Generous: heartbeat's deadtime is 8 s, the rest is process start-ups in a slow, loaded guest. */
const TAKEOVER_BOUND_MS = 150_000;

let dir: string | undefined;
let lan: Lan | undefined;

before(async () => {
  await clearTable();
  installPackage();
  const d = mkdtempSync('/tmp/pair-');
  dir = d;
  lan = await startLan(d);
});

after(async () => {
  try { await lan?.close(); } finally {
    uninstallPackage();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
});

function assertTakeover(r: FailoverResult): void {
  assert.ok(r.backupHasVip, 'linuxha2 holds the VIP');
  assert.equal(r.backupReals, 2, 'linuxha2 programmed both reals');
  assert.ok(r.takeoverMs < TAKEOVER_BOUND_MS, `takeover ${r.takeoverMs} ms is under ${TAKEOVER_BOUND_MS} ms`);
  assert.deepEqual(r.servedBy, ['pr1', 'pr2'], 'both reals serve through linuxha2');
}

test('heartbeat pair, sync daemons on: the backup takes over and keeps the long-lived connection', { timeout: 2_400_000 }, async (t) => {
  const r = await runFailover({ sync: true, log: (l) => t.diagnostic(l) });
  assertTakeover(r);
  assert.ok(r.kept, `the connection opened through linuxha1 is served by linuxha2 (got ${r.keptText})`);
  t.diagnostic(`sync on: takeover ${(r.takeoverMs / 1000).toFixed(1)} s, ${r.lost}/${r.tried} requests lost, connection kept`);
});

test('heartbeat pair, no sync daemon: the backup takes over and the long-lived connection is lost', { timeout: 2_400_000 }, async (t) => {
  const r = await runFailover({ sync: false, log: (l) => t.diagnostic(l) });
  assertTakeover(r);
  assert.ok(!r.kept, `without sync the old connection is not served (got ${r.keptText})`);
  t.diagnostic(`sync off: takeover ${(r.takeoverMs / 1000).toFixed(1)} s, ${r.lost}/${r.tried} requests lost, connection lost (${r.keptText})`);
});
