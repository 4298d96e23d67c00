/**
 * The director-pair benchmark's guest side (bench/pair-lab.ts boots the lab and runs this): the
 * failover of test/kernel/e2e/pair-failover.ts, repeated for each system (our package as
 * /usr/sbin/ldirectord with `syncdaemon=`, or the host's Perl original with the daemons started
 * by ipvsadm), each case (`moved`/`warm`, sync on/off; `pacemaker-` first: corosync + Pacemaker
 * instead of heartbeat, test/kernel/e2e/pair-pacemaker.ts) and
 * run; one `RESULT {json}` line per failover.
 *   env: BENCH_SYSTEMS=ours,perl BENCH_CASES=moved-sync,moved-nosync,warm-sync BENCH_RUNS=3
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { clearTable } from '../test/e2e-support/ipvs-table.js';
import { installPackage, uninstallPackage } from '../test/kernel/cluster/package.js';
import { runFailover, type PairManager, type PairSystem } from '../test/kernel/e2e/pair-failover.js';
import { startLan, type PairMode } from '../test/kernel/e2e/pair-topology.js';
import { casesFor } from './pair-lab.js';

const list = (v: string | undefined, def: string): string[] => (v ?? def).split(',').filter(Boolean);

async function main(): Promise<void> {
  const systems = list(process.env.BENCH_SYSTEMS, 'ours,perl');
  const cases = list(process.env.BENCH_CASES, 'moved-sync,moved-nosync,warm-sync');
  const runs = Number(process.env.BENCH_RUNS ?? 3);
  await clearTable();
  const dir = mkdtempSync('/tmp/pair-bench-');
  const lan = await startLan(dir);
  try {
    for (const system of systems) {
      if (system === 'ours') installPackage();
      try {
        for (const c of casesFor(cases, system)) {
          // `pacemaker-warm-sync`: corosync + Pacemaker moves the VIP instead of heartbeat.
          const manager: PairManager = c.startsWith('pacemaker-') ? 'pacemaker' : 'heartbeat';
          const [mode, sync] = c.replace(/^pacemaker-/, '').split('-') as [PairMode, string];
          for (let i = 0; i < runs; i++) {
            try {
              const r = await runFailover({ system: system as PairSystem, manager, sync: sync === 'sync', mode, log: (l) => console.log(`# ${system} ${c} ${i}: ${l}`) });
              console.log(`RESULT ${JSON.stringify({ case: c, ...r })}`);
            } catch (e) {
              console.log(`RESULT ${JSON.stringify({ system, case: c, error: String((e as Error).message).slice(0, 3000) })}`);
            }
          }
        }
      } finally {
        if (system === 'ours') uninstallPackage();
      }
    }
  } finally {
    await lan.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
