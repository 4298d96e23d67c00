/**
 * Debian's heartbeat 3.0.6 in v1 mode (haresources, `crm off`), one node, inside the kernel lab
 * guest: the recipe of /work/shared/docs/cluster-managers.md, for the heartbeat test and the
 * cluster benchmark. One node acquires its resources only with `auto_failback legacy` (with on/off
 * it waits for a peer). Everything heartbeat writes lands on guest tmpfs: /etc/ha.d and /var/log
 * are the lab's masks, /var/lib/heartbeat gets its own here, and the dummy `eth0` (IPaddr needs an
 * interface in the VIP's subnet) exists only in the guest kernel and carries no traffic out.
 */
import { execFile, execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';

const HA = '/etc/ha.d';
export const HA_LOG = '/var/log/ha-log';
const HA_DEBUG = '/var/log/ha-debug';
const LIB_COPY = '/tmp/hb-var-lib-heartbeat';

const sh = (script: string): string => execFileSync('sh', ['-ec', script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

/** HeartbeatSetup: the haresources line and the eth0 address that puts the VIP's subnet on eth0. */
export interface HeartbeatSetup {
  readonly haresources: string;
  /** e.g. 192.168.7.1/24 for the seed's IPaddr::192.168.7.110/24/192.168.7.255. */
  readonly eth0: string;
}

/**
 * wwwConfig is the seed's www.cf shape for `vip`:80 with HTTP negotiate checks of .testpage on
 * `reals` (port 80, direct routing); quiescent=no, so a failed real leaves the table.
 */
export function wwwConfig(opts: { vip: string; reals: readonly string[]; logfile: string }): string {
  return [
    'checktimeout=3', 'negotiatetimeout=3', 'checkinterval=1', `logfile="${opts.logfile}"`, 'quiescent=no', '',
    `virtual=${opts.vip}:80`,
    ...opts.reals.map((a) => `\treal=${a}:80 gate`),
    '\tservice=http', '\trequest=".testpage"', '\treceive="Test Page"',
    '\tscheduler=wrr', '\tprotocol=tcp', '\tchecktype=negotiate', '',
  ].join('\n');
}

/** prepareHeartbeat writes ha.cf, authkeys and haresources and prepares the guest's state dirs. */
export function prepareHeartbeat(setup: HeartbeatSetup): void {
  writeFileSync(`${HA}/ha.cf`, [
    `logfile ${HA_LOG}`, `debugfile ${HA_DEBUG}`,
    'keepalive 1', 'warntime 3', 'deadtime 6', 'initdead 12', 'udpport 694',
    'ucast lo 127.0.0.1', 'auto_failback legacy', 'crm off', 'node node1', '',
  ].join('\n'));
  writeFileSync(`${HA}/authkeys`, 'auth 1\n1 crc\n', { mode: 0o600 });
  writeFileSync(`${HA}/haresources`, `${setup.haresources}\n`);
  sh(`
    hostname node1
    mkdir -p /run/lock/subsys ${LIB_COPY}
    cp -a /var/lib/heartbeat/. ${LIB_COPY}/
    mount -t tmpfs hb /var/lib/heartbeat
    cp -a ${LIB_COPY}/. /var/lib/heartbeat/
    ip link add eth0 type dummy
    ip addr add ${setup.eth0} dev eth0
    ip link set eth0 up
  `);
}

/** teardownHeartbeat undoes prepareHeartbeat (best effort: it runs after failures too). */
export function teardownHeartbeat(): void {
  sh(`
    umount /var/lib/heartbeat || true
    ip link del eth0 || true
    rm -rf ${LIB_COPY} ${HA}/ha.cf ${HA}/authkeys ${HA}/haresources
  `);
}

/** InitResult is what `/etc/init.d/heartbeat <action>` did. */
export interface InitResult {
  readonly code: number;
  readonly output: string;
}

/**
 * heartbeatInit runs `/etc/init.d/heartbeat start|stop` the way an admin does, without blocking
 * the caller's event loop (stop waits for heartbeat to release its resources, tens of seconds).
 */
export function heartbeatInit(action: 'start' | 'stop', timeoutMs = 600_000): Promise<InitResult> {
  return new Promise((resolve) => {
    execFile('/etc/init.d/heartbeat', [action], { encoding: 'utf8', timeout: timeoutMs }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 124) : 0;
      resolve({ code, output: `${stdout}${stderr}` });
    });
  });
}

/** heartbeatRunning: the master control process is alive (`heartbeat -s` exits 0). */
export function heartbeatRunning(): boolean {
  try { execFileSync('/usr/libexec/heartbeat/heartbeat', ['-s'], { stdio: 'ignore' }); return true; } catch { return false; }
}

/** addressOn says whether `addr` is configured on `dev` (IPaddr puts the VIP on an alias of eth0). */
export function addressOn(dev: string, addr: string): boolean {
  let out = '';
  try { out = execFileSync('ip', ['-o', '-4', 'addr', 'show', 'dev', dev], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }); } catch { return false; }
  return out.split('\n').some((l) => l.includes(` inet ${addr}/`));
}

/**
 * ldirectordPids lists the processes that run an `ldirectord` program (ours: node with the
 * script as argv[1]; the Perl original: perl with /usr/sbin/ldirectord, or its own $0) from
 * /proc, so no pgrep or shell of ours can match itself.
 */
export function ldirectordPids(): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    let argv: string[];
    try { argv = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0'); } catch { continue; }
    if (argv.slice(0, 3).some((a) => basename(a) === 'ldirectord')) pids.push(Number(name));
  }
  return pids;
}

/** haLogTail: the end of heartbeat's log and debug log, for failure messages. */
export function haLogTail(lines = 25): string {
  const tail = (f: string): string => {
    try { return readFileSync(f, 'utf8').split('\n').slice(-lines).join('\n'); } catch { return `(no ${f})`; }
  };
  return `${HA_LOG}:\n${tail(HA_LOG)}\n${HA_DEBUG}:\n${tail(HA_DEBUG)}`;
}

/** resourceManagerStatus is heartbeat's own view of a resource: `ResourceManager status R` (0 owned, 3 not). */
export function resourceManagerStatus(resource: string): number {
  try {
    execFileSync('/usr/share/heartbeat/ResourceManager', ['status', resource], { stdio: 'ignore' });
    return 0;
  } catch (e) {
    return (e as { status?: number }).status ?? -1;
  }
}
