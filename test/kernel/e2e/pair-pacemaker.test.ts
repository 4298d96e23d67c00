/**
 * Issue 13 with corosync 3 + Pacemaker 2.1 instead of heartbeat (test/kernel/e2e/pair-pacemaker.ts):
 * the same two directors, reals, client and crash as pair-heartbeat.test.ts, two nodes over the
 * shared bridge, two_node quorum, no fencing (stonith-enabled=false), the stock
 * ocf:heartbeat:ldirectord agent running our package and IPaddr2 for the VIP, with
 * `syncdaemon = both eth0 syncid=13`. Two shapes, one failover each:
 * (a) the seed's, a group VIP + ldirectord that moves (the standby's backup sync daemon from the
 *     boot, as docs/director-pair.md prescribes);
 * (b) the warm standby, ldirectord as a clone on both directors, the VIP alone moves.
 * Each asserts that linuxha2 takes the VIP and the table, the first answer after the link went
 * down came through linuxha2's MAC, the synced connection is kept and the never-synced idle one
 * reset. Runs only when named (about the cost: docs/benchmarks.md, "Director pair").
 */
import { test } from 'node:test';
import { assertInLab } from '../support.js';
import { assertFailover, summary, usePairLan } from './pair-test-kit.js';
import { runFailover } from './pair-failover.js';

assertInLab();
usePairLan();

for (const [mode, shape] of [['moved', 'group VIP + ldirectord moves'], ['warm', 'ldirectord clone on both, the VIP moves']] as const) {
  test(`Pacemaker pair (${shape}), syncdaemon=: linuxha2 takes over, keeps the synced connection, resets the unsynced one`, { timeout: 2_400_000 }, async (t) => {
    const r = await runFailover({ system: 'ours', manager: 'pacemaker', sync: true, mode, log: (l) => t.diagnostic(l) });
    assertFailover(r);
    t.diagnostic(summary(r));
  });
}
