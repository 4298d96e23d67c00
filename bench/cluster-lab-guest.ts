/**
 * The guest half of bench/cluster-lab.ts, run inside the kernel lab: our ldirectord (the unpacked
 * Debian package behind /usr/sbin/ldirectord) and Debian's Perl original (the host's own
 * /usr/sbin/ldirectord, seen at PERL_LDIRECTORD) under the real heartbeat v1 and Pacemaker, one
 * after the other, in the same guest, against the same two nginx reals. Every figure is the time
 * from the admin's action to the state the kernel and /proc show; each is printed as a RESULT line
 * as soon as it is measured (so a cut-short run still leaves its figures).
 * Env: LDIRECTORD_DEB (the package), BENCH_ROUNDS (default 3), BENCH_STEP_CAP_S (default 600).
 */
import { rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { clearTable, ipvsadmText, readTable } from '../test/e2e-support/ipvs-table.js';
import { startNginx, writeTestPage } from '../test/e2e-support/nginx.js';
import { waitFor } from '../test/e2e-support/wait.js';
import {
  addressOn, haLogTail, heartbeatInit, heartbeatRunning, ldirectordPids, prepareHeartbeat, teardownHeartbeat, wwwConfig,
} from '../test/kernel/cluster/heartbeat-node.js';
import {
  createLdirectord, crmStatus, deleteResource, resourceStarted, setTargetRole, startPacemaker, stopPacemaker,
} from '../test/kernel/cluster/pacemaker-node.js';
import { installPackage, PERL_LDIRECTORD, uninstallPackage } from '../test/kernel/cluster/package.js';

type Impl = 'ours' | 'perl';
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CAP_MS = Number(process.env.BENCH_STEP_CAP_S ?? 600) * 1000;
const REALS = ['127.0.0.2', '127.0.0.3'] as const;
const HB_VIP = '192.168.7.110';
const PM_VIP = '192.0.2.120';
const RESOURCE_LINK = '/etc/ha.d/resource.d/ldirectord';
const OURS = '/usr/sbin/ldirectord';

/** result prints one figure (seconds) or the step's failure; the host collects these lines. */
function result(manager: string, impl: Impl, round: number, step: string, ms: number | null, error?: string): void {
  console.log(`RESULT ${JSON.stringify({ manager, impl, round, step, s: ms === null ? null : ms / 1000, ...(error ? { error } : {}) })}`);
}

async function dests(vip: string): Promise<number> {
  return (await readTable()).get(`TCP ${vip}:80`)?.size ?? -1;
}

/** step waits for `ok` and reports the time since `t0`; false if it never came within the cap. */
async function step(manager: string, impl: Impl, round: number, name: string, t0: number, ok: () => Promise<boolean> | boolean): Promise<boolean> {
  try {
    await waitFor(name, async () => ((await ok()) ? true : undefined), { timeoutMs: CAP_MS, intervalMs: 250 });
    result(manager, impl, round, name, Date.now() - t0);
    return true;
  } catch (e) {
    result(manager, impl, round, name, null, e instanceof Error ? e.message : String(e));
    // What the step was waiting on, for the reader of a failed run (not parsed by the host).
    console.log(`${await ipvsadmText()}\nldirectord pids: ${ldirectordPids().join(' ')}\n${manager === 'heartbeat' ? haLogTail() : crmStatus()}`);
    return false;
  }
}

/** reset kills any daemon a failed step left and empties the table, so the next run starts clean. */
async function reset(): Promise<void> {
  for (const pid of ldirectordPids()) { try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ } }
  await clearTable();
}

/**
 * heartbeatRun: `/etc/init.d/heartbeat start` -> VIP and table programmed; stop -> no table, no
 * VIP, no ldirectord, no heartbeat. heartbeat calls `resource.d/ldirectord www`: the Perl original
 * finds only /etc/ha.d/www, ours takes the seed's /etc/ha.d/www.cf.
 */
async function heartbeatRun(impl: Impl, round: number): Promise<void> {
  const cf = impl === 'perl' ? '/etc/ha.d/www' : '/etc/ha.d/www.cf';
  rmSync('/etc/ha.d/www', { force: true });
  rmSync('/etc/ha.d/www.cf', { force: true });
  writeFileSync(cf, wwwConfig({ vip: HB_VIP, reals: REALS, logfile: `/tmp/hb-${impl}.log` }));
  unlinkSync(RESOURCE_LINK);
  symlinkSync(impl === 'perl' ? PERL_LDIRECTORD : OURS, RESOURCE_LINK);
  let t0 = Date.now();
  const started = await heartbeatInit('start');
  console.log(`heartbeat ${impl} round ${round}: /etc/init.d/heartbeat start exited ${started.code} after ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  const up = await step('heartbeat', impl, round, 'heartbeat start -> VIP and table programmed', t0,
    async () => addressOn('eth0', HB_VIP) && (await dests(HB_VIP)) === REALS.length);
  t0 = Date.now();
  await heartbeatInit('stop');
  await step('heartbeat', impl, round, 'heartbeat stop -> no table, no VIP, no ldirectord', t0,
    async () => (await readTable()).size === 0 && !addressOn('eth0', HB_VIP) && ldirectordPids().length === 0 && !heartbeatRunning());
  if (!up || heartbeatRunning()) await heartbeatInit('stop');
  await reset();
}

/**
 * pacemakerRun: primitive created -> table programmed; kill -9 -> a new daemon and the table
 * (monitor, stop, start); target-role Stopped -> empty and no daemon; Started -> programmed.
 * The Perl original gets the agent's `ldirectord=` parameter; ours is its default binary.
 */
async function pacemakerRun(impl: Impl, round: number): Promise<void> {
  const id = `ld-${impl}-${round}`;
  const cf = `/etc/ha.d/pm-${impl}.cf`;
  writeFileSync(cf, wwwConfig({ vip: PM_VIP, reals: REALS, logfile: `/tmp/pm-${impl}.log` }));
  const programmed = async (): Promise<boolean> => (await dests(PM_VIP)) === REALS.length;
  let t0 = Date.now();
  createLdirectord(id, cf, impl === 'perl' ? PERL_LDIRECTORD : undefined);
  const ok = await step('pacemaker', impl, round, 'create -> table programmed', t0, programmed)
    && await step('pacemaker', impl, round, 'create -> reported started', t0, () => resourceStarted(id));
  const pids = ldirectordPids();
  if (ok && pids.length === 1) {
    const dead = pids[0]!;
    t0 = Date.now();
    process.kill(dead, 'SIGKILL');
    await step('pacemaker', impl, round, 'kill -9 -> new daemon, table programmed', t0, async () => {
      const now = ldirectordPids();
      return now.length === 1 && now[0] !== dead && (await programmed());
    });
    await step('pacemaker', impl, round, 'kill -9 -> reported started', t0, () => resourceStarted(id));
  }
  t0 = Date.now();
  setTargetRole(id, 'Stopped');
  await step('pacemaker', impl, round, 'target-role Stopped -> table empty, no daemon', t0,
    async () => (await dests(PM_VIP)) === -1 && ldirectordPids().length === 0);
  t0 = Date.now();
  setTargetRole(id, 'Started');
  await step('pacemaker', impl, round, 'target-role Started -> table programmed', t0,
    async () => (await programmed()) && ldirectordPids().length === 1);
  setTargetRole(id, 'Stopped');
  await waitFor('stopped before delete', async () => (ldirectordPids().length === 0 ? true : undefined), { timeoutMs: CAP_MS, intervalMs: 500 }).catch(() => undefined);
  deleteResource(id);
  await reset();
}

async function main(): Promise<void> {
  await clearTable();
  installPackage();
  const www = '/tmp/cluster-bench-www';
  for (const a of REALS) writeTestPage(`${www}/${a}`);
  const nginx = await startNginx({ dir: '/tmp/cluster-bench-nginx', sites: REALS.map((a) => ({ address: a, port: 80, root: `${www}/${a}` })) });
  // Who goes first alternates between rounds.
  const order = (round: number): Impl[] => (round % 2 === 1 ? ['ours', 'perl'] : ['perl', 'ours']);
  try {
    prepareHeartbeat({ haresources: `node1 IPaddr::${HB_VIP}/24/192.168.7.255 ipvsadm ldirectord::www`, eth0: '192.168.7.1/24' });
    try {
      for (let round = 1; round <= ROUNDS; round++) for (const impl of order(round)) await heartbeatRun(impl, round);
    } finally {
      unlinkSync(RESOURCE_LINK);
      symlinkSync(OURS, RESOURCE_LINK);
      teardownHeartbeat();
    }
    const t0 = Date.now();
    await startPacemaker();
    console.log(`pacemaker online after ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    try {
      for (let round = 1; round <= ROUNDS; round++) for (const impl of order(round)) await pacemakerRun(impl, round);
    } finally {
      stopPacemaker();
    }
  } finally {
    await nginx.stop();
    await reset();
    uninstallPackage();
  }
}

await main();
