/**
 * corosync 3 + Pacemaker 2.1 (Debian's packages), one node, in the kernel lab: the
 * ocf:heartbeat:ldirectord primitive with its default binary (our unpacked package) programs the
 * table; after `kill -9` of the daemon the monitor notices, the agent's stop cleans up after the
 * dead daemon (stale pid file) and start brings the table back; target-role Stopped empties the
 * table and leaves no ldirectord process; Started brings it back. Timings go to the TAP output
 * (figures in docs/benchmarks.md); the assertions are on the kernel table and the processes.
 */
import { after, before, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { clearTable, ipvsadmText, readTable } from '../../e2e-support/ipvs-table.js';
import { waitFor } from '../../e2e-support/wait.js';
import { assertInLab } from '../support.js';
import { installPackage, uninstallPackage } from './package.js';
import { createLdirectord, crmStatus, resourceStarted, setTargetRole, startPacemaker, stopPacemaker } from './pacemaker-node.js';

assertInLab();

const CF = '/etc/ha.d/pm-www.cf';
const LOG = '/tmp/pm-www.log';
const PIDFILE = '/run/ldirectord.pm-www.cf.pid';
const SVC = 'TCP 192.0.2.120:80';
before(async () => {
  await clearTable();
  installPackage();
  writeFileSync(CF, [
    `logfile="${LOG}"`, 'checkinterval=2', '',
    'virtual=192.0.2.120:80', '\treal=127.0.0.2:80 gate', '\treal=127.0.0.3:80 gate', '\tchecktype=on', '',
  ].join('\n'));
  await startPacemaker();
});

after(async () => {
  try {
    stopPacemaker();
  } finally {
    rmSync(CF, { force: true });
    uninstallPackage();
    await clearTable();
  }
});

function tail(file: string): string {
  try { return readFileSync(file, 'utf8').split('\n').slice(-20).join('\n'); } catch { return `(no ${file})`; }
}

/** reals: the number of dests of our virtual in the kernel (-1: the virtual is absent). */
async function reals(): Promise<number> {
  return (await readTable()).get(SVC)?.size ?? -1;
}

/** daemons: the pids whose command line is the agent's `$LDIRECTORD $LDIRCONF start` (its own pgrep -f). */
function daemons(): number[] {
  let out = '';
  try {
    // No shell around pgrep: a shell's own command line would contain the pattern.
    out = execFileSync('pgrep', ['-f', `/usr/sbin/ldirectord ${CF} start`], { encoding: 'utf8' });
  } catch (e) {
    if ((e as { status?: number }).status !== 1) throw e; // 1: no process matched
  }
  return out.split('\n').filter(Boolean).map(Number);
}

async function until(t: TestContext, what: string, ok: () => Promise<boolean>, started: number): Promise<void> {
  await waitFor(what, async () => ((await ok()) ? true : undefined), {
    timeoutMs: 600_000, intervalMs: 500,
    describe: async () => `${await ipvsadmText()}\n${crmStatus()}\nlog:\n${tail(LOG)}`,
  });
  t.diagnostic(`${what}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

test('Pacemaker: start, kill -9 recovery with the stale-pid cleanup, Stopped, Started', { timeout: 3_600_000 }, async (t) => {
  let t0 = Date.now();
  createLdirectord('ld', CF);
  await until(t, 'create -> table programmed', async () => (await reals()) === 2, t0);
  // Pacemaker's start op ends with the agent's own status: a kill before that would be a failed
  // start (fatal on this node), not the crash of a running resource this test is about.
  await until(t, 'create -> Pacemaker sees the resource started', async () => resourceStarted('ld'), t0);
  assert.equal(daemons().length, 1, 'one daemon');

  const dead = Number(readFileSync(PIDFILE, 'utf8').trim());
  t0 = Date.now();
  process.kill(dead, 'SIGKILL');
  await until(t, 'kill -9 -> recovered (new daemon, table programmed)', async () => {
    const pids = daemons();
    return pids.length === 1 && pids[0] !== dead && existsSync(PIDFILE) && (await reals()) === 2;
  }, t0);
  assert.match(readFileSync(LOG, 'utf8'), /Purged virtual server \(stale pid file [^)]*\): tcp 192\.0\.2\.120:80/,
    'the agent\'s stop after the kill removed the dead daemon\'s virtual');

  t0 = Date.now();
  setTargetRole('ld', 'Stopped');
  await until(t, 'target-role Stopped -> table empty, no daemon', async () => (await reals()) === -1 && daemons().length === 0, t0);

  t0 = Date.now();
  setTargetRole('ld', 'Started');
  await until(t, 'target-role Started -> table programmed', async () => (await reals()) === 2 && daemons().length === 1, t0);
  await until(t, 'target-role Started -> Pacemaker sees it started', async () => resourceStarted('ld'), t0);
});
