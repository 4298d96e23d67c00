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

assertInLab();

const CF = '/etc/ha.d/pm-www.cf';
const LOG = '/tmp/pm-www.log';
const PIDFILE = '/run/ldirectord.pm-www.cf.pid';
const SVC = 'TCP 192.0.2.120:80';
const sh = (script: string): string => execFileSync('sh', ['-ec', script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

before(async () => {
  await clearTable();
  installPackage();
  writeFileSync(CF, [
    `logfile="${LOG}"`, 'checkinterval=2', '',
    'virtual=192.0.2.120:80', '\treal=127.0.0.2:80 gate', '\treal=127.0.0.3:80 gate', '\tchecktype=on', '',
  ].join('\n'));
  // Guest-only state: tmpfs copies of the cluster's directories (the guest's root is the host's).
  sh(`
    for d in /etc/corosync /var/lib/pacemaker /var/lib/corosync; do
      mkdir -p /tmp/pm-copy$d; cp -a $d/. /tmp/pm-copy$d/
      mount -t tmpfs pm $d; cp -a /tmp/pm-copy$d/. $d/
    done
    chown hacluster:haclient /var/lib/pacemaker; chmod 750 /var/lib/pacemaker
    mkdir -p /var/log/pacemaker /var/log/corosync /var/log/crmsh /run/crm
    chown hacluster:haclient /var/log/pacemaker /run/crm
    hostname node1
    ip link add eth0 type dummy; ip addr add 10.9.9.1/24 dev eth0; ip link set eth0 up
    cat > /etc/corosync/corosync.conf <<'CONF'
totem {
  version: 2
  cluster_name: lab
  transport: knet
  crypto_cipher: none
  crypto_hash: none
  token: 1000
}
nodelist {
  node {
    ring0_addr: 10.9.9.1
    name: node1
    nodeid: 1
  }
}
quorum {
  provider: corosync_votequorum
}
logging {
  to_logfile: yes
  logfile: /var/log/corosync/corosync.log
  to_syslog: no
}
CONF
    corosync
  `);
  sh('pacemakerd > /tmp/pacemakerd.out 2>&1 & echo $! > /tmp/pacemakerd.pid');
  await waitFor('Pacemaker online', () => {
    try { return /Online: \[ node1 \]/.test(sh('crm_mon -1 2>/dev/null')) ? true : undefined; } catch { return undefined; }
  }, { timeoutMs: 240_000, intervalMs: 2000, describe: () => tail('/tmp/pacemakerd.out') });
  sh('crm_attribute -t crm_config -n stonith-enabled -v false; crm_attribute -t crm_config -n no-quorum-policy -v ignore');
});

after(async () => {
  try {
    sh(`
      kill -TERM $(cat /tmp/pacemakerd.pid) 2>/dev/null || true
      i=0; while kill -0 $(cat /tmp/pacemakerd.pid) 2>/dev/null && [ $i -lt 120 ]; do sleep 1; i=$((i+1)); done
      corosync-cfgtool -H >/dev/null 2>&1 || true
      sleep 2
      for d in /etc/corosync /var/lib/pacemaker /var/lib/corosync; do umount $d || true; done
      ip link del eth0 || true
    `);
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
    timeoutMs: 240_000, intervalMs: 500,
    describe: async () => `${await ipvsadmText()}\n${sh('crm_mon -1 2>&1 || true')}\nlog:\n${tail(LOG)}`,
  });
  t.diagnostic(`${what}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

/** running: Pacemaker places the resource on node1 (its start op has finished). */
function running(): boolean {
  try { return /ld\s+\(ocf:heartbeat:ldirectord\):\s+Started node1/.test(sh('crm_mon -1 2>&1')); } catch { return false; }
}

const setRole = (role: string): string => sh(`crm_resource --resource ld --meta --set-parameter target-role --parameter-value ${role}`);

test('Pacemaker: start, kill -9 recovery with the stale-pid cleanup, Stopped, Started', { timeout: 1_200_000 }, async (t) => {
  let t0 = Date.now();
  // Generous op timeouts: every agent call runs several Node start-ups, seconds each in a loaded UML guest.
  sh(`cibadmin -C -o resources -X '<primitive id="ld" class="ocf" provider="heartbeat" type="ldirectord"><instance_attributes id="ld-ia"><nvpair id="ld-cf" name="configfile" value="${CF}"/></instance_attributes><operations><op id="ld-start" name="start" interval="0" timeout="180s"/><op id="ld-stop" name="stop" interval="0" timeout="180s"/><op id="ld-mon" name="monitor" interval="10s" timeout="120s"/></operations></primitive>'`);
  await until(t, 'create -> table programmed', async () => (await reals()) === 2, t0);
  // Pacemaker's start op ends with the agent's own status: a kill before that would be a failed
  // start (fatal on this node), not the crash of a running resource this test is about.
  await until(t, 'create -> Pacemaker sees the resource started', async () => running(), t0);
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
  setRole('Stopped');
  await until(t, 'target-role Stopped -> table empty, no daemon', async () => (await reals()) === -1 && daemons().length === 0, t0);

  t0 = Date.now();
  setRole('Started');
  await until(t, 'target-role Started -> table programmed', async () => (await reals()) === 2 && daemons().length === 1, t0);
  await until(t, 'target-role Started -> Pacemaker sees it started', async () => running(), t0);
});
