/**
 * Issue 13, the seed's own test in the kernel lab: two directors under heartbeat v1 with the
 * seed's haresources line (`IPaddr::VIP ipvsadm ldirectord::www`, our package as
 * /usr/sbin/ldirectord with `syncdaemon = both eth0 syncid=13` in www.cf, the standby's backup
 * sync daemon from the boot as docs/director-pair.md prescribes), two nginx reals in LVS-DR, a
 * client streaming requests through the VIP. The active director crashes (link down, every
 * process killed): the backup takes the VIP and programs its table; the first request served
 * after the link went down went through the backup (the client's neighbour entry for the VIP
 * names linuxha2's MAC); a long-lived connection synced before the crash is still served after
 * it, and an idle one the kernel never synced (2 packets, below its sync threshold) is reset:
 * sync on and "not synced" in one failover, to keep the lab time of the suite down. Figures
 * (takeover, requests lost; sync off, the warm standby, the Perl original) come from
 * bench/pair-lab.ts (docs/benchmarks.md, "Director pair").
 */
import { test } from 'node:test';
import { assertInLab } from '../support.js';
import { assertFailover, summary, usePairLan } from './pair-test-kit.js';
import { runFailover } from './pair-failover.js';

assertInLab();
usePairLan();

test('heartbeat pair, syncdaemon=: linuxha2 takes over, keeps the synced connection, resets the unsynced one', { timeout: 2_400_000 }, async (t) => {
  const r = await runFailover({ system: 'ours', sync: true, mode: 'moved', log: (l) => t.diagnostic(l) });
  assertFailover(r);
  t.diagnostic(summary(r));
});
