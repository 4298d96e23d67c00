/**
 * heartbeat 3.0.6 in v1 mode (Debian's package), one node, in the kernel lab: the seed's
 * haresources line `node1 IPaddr::192.168.7.110/24/192.168.7.255 ipvsadm ldirectord::www` with
 * only /etc/ha.d/www.cf present, our unpacked package behind /usr/sbin/ldirectord and the
 * package's /etc/ha.d/resource.d/ldirectord link, two real nginx as reals. One heartbeat start,
 * then in sequence: takeover programs the VIP on eth0 and the table; `status` prints what the Perl
 * original prints where (heartbeat reads stdout only); a real's failure and return reach the
 * table; `/etc/init.d/heartbeat stop` leaves no table, no VIP and no ldirectord process. Times go
 * to the TAP output (figures in docs/benchmarks.md); the assertions are on the kernel and /proc.
 */
import { after, before, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { clearTable, ipvsadmText, readTable } from '../../e2e-support/ipvs-table.js';
import { startNginx, writeTestPage, type Nginx } from '../../e2e-support/nginx.js';
import { waitFor } from '../../e2e-support/wait.js';
import { assertInLab } from '../support.js';
import {
  addressOn, haLogTail, heartbeatInit, heartbeatRunning, ldirectordPids, prepareHeartbeat,
  resourceManagerStatus, teardownHeartbeat, wwwConfig,
} from './heartbeat-node.js';
import { installPackage, uninstallPackage } from './package.js';

assertInLab();

const VIP = '192.168.7.110';
const SVC = `TCP ${VIP}:80`;
const REALS = ['127.0.0.2', '127.0.0.3'] as const;
const CF = '/etc/ha.d/www.cf';
const LOG = '/tmp/hb-www.log';
const RESOURCE = '/etc/ha.d/resource.d/ldirectord';
// Each step crosses several process starts (ResourceManager, IPaddr, a Node start per
// ldirectord call), seconds each in a loaded UML guest: deadlines are minutes, not seconds.
const DEADLINE_MS = 600_000;

let dir: string;
const nginx = new Map<string, Nginx>();

/** startReal: one nginx per real, so stopping one is a real's server failing. */
function startReal(addr: string): Promise<Nginx> {
  return startNginx({ dir: join(dir, `nginx-${addr}`), sites: [{ address: addr, port: 80, root: join(dir, 'www', addr) }] });
}

before(async () => {
  await clearTable();
  installPackage();
  dir = mkdtempSync('/tmp/hb-test-');
  // Only www.cf: the name heartbeat passes is `www`, and ours finds www.cf (the Perl original does not).
  assert.equal(existsSync('/etc/ha.d/www'), false, '/etc/ha.d/www must not exist for this test');
  writeFileSync(CF, wwwConfig({ vip: VIP, reals: REALS, logfile: LOG }));
  for (const a of REALS) {
    writeTestPage(join(dir, 'www', a));
    nginx.set(a, await startReal(a));
  }
  prepareHeartbeat({ haresources: `node1 IPaddr::${VIP}/24/192.168.7.255 ipvsadm ldirectord::www`, eth0: '192.168.7.1/24' });
});

after(async () => {
  try {
    if (heartbeatRunning()) await heartbeatInit('stop', 240_000);
    for (const pid of ldirectordPids()) { try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ } }
    for (const n of nginx.values()) await n.stop();
  } finally {
    teardownHeartbeat();
    rmSync(CF, { force: true });
    uninstallPackage();
    rmSync(dir, { recursive: true, force: true });
    await clearTable();
  }
});

function logTail(): string {
  try { return readFileSync(LOG, 'utf8').split('\n').slice(-15).join('\n'); } catch { return `(no ${LOG})`; }
}

/** dests: the dest addresses of the VIP's service, or undefined when the service is absent. */
async function dests(): Promise<string[] | undefined> {
  const d = (await readTable()).get(SVC);
  return d ? [...d.keys()].sort() : undefined;
}

async function until(t: TestContext, what: string, ok: () => Promise<boolean> | boolean, started: number): Promise<void> {
  await waitFor(what, async () => ((await ok()) ? true : undefined), {
    timeoutMs: DEADLINE_MS, intervalMs: 500,
    describe: async () => `${await ipvsadmText()}\nldirectord pids: ${ldirectordPids().join(' ')}\nldirectord log:\n${logTail()}\n${haLogTail()}`,
  });
  t.diagnostic(`${what}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

/** resourceStatus runs what heartbeat runs for `ldirectord::www`: `resource.d/ldirectord www status`. */
function resourceStatus(): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(RESOURCE, ['www', 'status'], { encoding: 'utf8', timeout: 120_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr });
    });
  });
}

const allReals = REALS.map((a) => `${a}:80`);

test('heartbeat v1: takeover, status streams, a real fails and returns, heartbeat stop cleans up', { timeout: 2_400_000 }, async (t) => {
  // Stopped: the "stopped" line is on stdout (heartbeat's verifyallidle and acquire read it).
  const idle = await resourceStatus();
  assert.equal(idle.code, 3, `status before start: ${JSON.stringify(idle)}`);
  assert.match(idle.stdout, /^ldirectord is stopped for \/etc\/ha\.d\/www\.cf$/m);

  let t0 = Date.now();
  const started = await heartbeatInit('start');
  assert.equal(started.code, 0, `heartbeat start: ${started.output}\n${haLogTail()}`);
  t.diagnostic(`of which /etc/init.d/heartbeat start returned after ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  await until(t, 'heartbeat start -> VIP on eth0 and table programmed', async () =>
    addressOn('eth0', VIP) && JSON.stringify(await dests()) === JSON.stringify(allReals), t0);
  const daemons = ldirectordPids();
  assert.equal(daemons.length, 1, `one ldirectord daemon: ${daemons.join(' ')}`);

  // Running: the original prints "running" on stderr only, so heartbeat's ResourceManager (which
  // reads stdout) believes the resource is stopped; ours keeps that (docs/compatibility.md).
  const up = await resourceStatus();
  assert.equal(up.code, 0, `status while running: ${JSON.stringify(up)}`);
  assert.doesNotMatch(up.stdout, /running/i, 'nothing that heartbeat would read as "running" on stdout');
  assert.match(up.stderr, new RegExp(`ldirectord for /etc/ha\\.d/www\\.cf is running with pid: ${daemons[0]}`));
  assert.equal(resourceManagerStatus('ldirectord::www'), 3, 'heartbeat\'s view matches the Perl original\'s: not owned');

  t0 = Date.now();
  await nginx.get(REALS[1])!.stop();
  await until(t, 'real 127.0.0.3 stopped -> removed from the table', async () =>
    JSON.stringify(await dests()) === JSON.stringify([`${REALS[0]}:80`]), t0);
  t0 = Date.now();
  nginx.set(REALS[1], await startReal(REALS[1]));
  await until(t, 'real 127.0.0.3 back -> in the table again', async () =>
    JSON.stringify(await dests()) === JSON.stringify(allReals), t0);

  t0 = Date.now();
  const stopped = await heartbeatInit('stop');
  assert.equal(stopped.code, 0, `heartbeat stop: ${stopped.output}\n${haLogTail()}`);
  t.diagnostic(`of which /etc/init.d/heartbeat stop returned after ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  await until(t, 'heartbeat stop -> no table, no VIP, no ldirectord, no heartbeat', async () =>
    (await readTable()).size === 0 && !addressOn('eth0', VIP) && ldirectordPids().length === 0 && !heartbeatRunning(), t0);
  const haLog = readFileSync('/var/log/ha-log', 'utf8');
  assert.match(haLog, /Running \/etc\/ha\.d\/resource\.d\/ldirectord www stop/, 'heartbeat stopped the resource itself');
  assert.doesNotMatch(haLog, /Return code \d+ from \/etc\/ha\.d\/resource\.d\/ldirectord|Reboot required/);
});
