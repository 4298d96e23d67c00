// `npm run demo -- --pair` inside the kernel lab (scripts/demo.mjs boots it): the seed's two
// directors under heartbeat v1, our package as /usr/sbin/ldirectord with `syncdaemon=`, two nginx
// reals in LVS-DR, a client. linuxha1 serves, then crashes (link down, every process killed);
// linuxha2 takes over. The steps stream live; the end is a summary of what the client and the
// kernels saw. The same failover as the lab test and the benchmark (test/kernel/e2e/pair-failover.ts).
import { mkdtempSync, rmSync } from 'node:fs';
import { clearTable } from '../dist/test/e2e-support/ipvs-table.js';
import { installPackage, uninstallPackage } from '../dist/test/kernel/cluster/package.js';
import { runFailover } from '../dist/test/kernel/e2e/pair-failover.js';
import { startLan, SYNCDAEMON_LINE } from '../dist/test/kernel/e2e/pair-topology.js';

// warm (recommended, docs/director-pair.md (b)): ldirectord on both, only the VIP moves; moved: the seed's haresources.
const mode = process.env.DEMO_PAIR_MODE === 'moved' ? 'moved' : 'warm';
const s = (ms) => `${(ms / 1000).toFixed(1)} s`;

/** summary renders what one failover showed, for a person watching. */
function summary(r) {
  const e = r.evidence;
  const daemons = (ds) => ds.map((d) => `${d.state} (${d.iface}, syncid ${d.syncid})`).join(', ') || 'none';
  return [
    '',
    `=== director pair, ${mode === 'warm' ? 'warm standby (ldirectord on both, only the VIP moves)' : "the seed's haresources (ldirectord moves with the VIP)"}, "${SYNCDAEMON_LINE}"`,
    `linuxha1 serving through the VIP       ${s(r.upMs)} after heartbeat started`,
    `linuxha1 crashed                       its link down ${e.downAt - e.crashAt} ms after the crash began; VIP seen on linuxha2 ${s(e.vipSeenAt - e.downAt)} later`,
    `takeover                               ${s(r.takeoverMs)} from the link going down to the first request served through linuxha2`,
    `requests lost meanwhile                ${r.lost} of ${r.tried} (one at a time, 1 s deadline each)`,
    `client's neighbour entry for the VIP   before: ${e.neighBefore || '-'} (linuxha1 is ${e.mac1})`,
    `                                       after:  ${e.neighAfter || '-'} (linuxha2 is ${e.mac2})`,
    `connection synced before the crash     ${r.kept ? `KEPT: answered by ${r.keptText} through linuxha2` : `lost (${r.keptText})`}`,
    `idle connection, never synced          ${r.idle.kept ? `kept (${r.idle.text})` : `lost as expected (${r.idle.text})`}`,
    `sync daemons                           linuxha1: ${daemons(r.daemons1)}; linuxha2: ${daemons(r.daemons2)}`,
    `linuxha2 now                           VIP ${r.backupHasVip ? 'held' : 'MISSING'}, ${r.backupReals} reals, serving through ${r.servedBy.join(' and ')}`,
    '',
  ].join('\n');
}

await clearTable();
installPackage();
const dir = mkdtempSync('/tmp/demo-pair-');
let ok = false;
try {
  console.log('demo pair: building the LAN (two nginx reals in LVS-DR, a client, one bridge) ...');
  const lan = await startLan(dir);
  try {
    console.log('demo pair: starting linuxha1 and linuxha2 under heartbeat; heartbeat\'s resource agents are slow in the lab: minutes, not seconds');
    const r = await runFailover({ system: 'ours', sync: true, mode });
    console.log(summary(r));
    ok = r.kept && !r.idle.kept && r.backupHasVip && r.backupReals === 2;
  } finally {
    await lan.close();
  }
} finally {
  uninstallPackage();
  rmSync(dir, { recursive: true, force: true });
}
process.exitCode = ok ? 0 : 1;
