/**
 * Two directors in one lab kernel, as the seed builds them (issue 13), for the pair failover
 * test and benchmark. One bridge joins:
 * - two reals (netns `pr1`, `pr2`) in LVS-DR: the VIP on their loopback with ARP suppressed
 *   (arp_ignore=1, arp_announce=2), nginx answering on their address and the VIP with a page
 *   naming the real, keep-alive on (the long-lived connection);
 * - a client (netns `pcl`);
 * - two directors `linuxha1`/`linuxha2`: a network namespace each (its own IPVS table and sync
 *   daemon) plus its own mount and UTS namespaces (`unshare --mount --uts` inside `ip netns exec`),
 *   held open by a `sleep` process, with private tmpfs copies of /etc/ha.d, /var/lib/heartbeat,
 *   /run and /var/log, and heartbeat v1 configured with the seed's haresources line.
 * A director "crashes" the way a machine does: its link goes down and every process in its
 * network namespace is killed; its kernel state (VIP, table, sync threads) stays, unreachable.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../e2e-support/cli.js';
import { parseIpvsadmList, type Table } from '../../e2e-support/ipvs-table.js';
import { startNginx, writeTestPage, type Nginx } from '../../e2e-support/nginx.js';
import { waitFor } from '../../e2e-support/wait.js';

export const VIP = '10.7.0.100';
export const CLIENT_ADDR = '10.7.0.2';
const BRIDGE = 'pairbr';
const NET = '10.7.0';
export const REALS = [{ ns: 'pr1', addr: `${NET}.21` }, { ns: 'pr2', addr: `${NET}.22` }] as const;
const CLIENT_NS = 'pcl';
/** The service as ipvsadm -Ln names it. */
export const SERVICE = `TCP ${VIP}:80`;
/** The sync id both directors use. */
export const SYNC_ID = 13;

/** run runs a command with a deadline (a hung command fails the step with its output instead of hanging the test). */
const run = (argv: readonly string[], input?: string): string => {
  try {
    return execFileSync(argv[0]!, argv.slice(1), { encoding: 'utf8', input, timeout: 180_000, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
  } catch (e) {
    const x = e as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${argv.join(' ').slice(0, 300)}: ${x.message.split('\n')[0]}\n${x.stdout ?? ''}${x.stderr ?? ''}`.slice(0, 3000), { cause: e });
  }
};
const sh = (script: string): string => run(['sh', '-ec', script]);
const quiet = (script: string): void => { try { sh(script); } catch { /* best effort cleanup */ } };

/**
 * progress reports a step on stderr and, with PAIR_PROGRESS set, appends it to that host file
 * (hostfs writes land on the host): a long lab run can be followed live.
 */
export function progress(text: string): void {
  process.stderr.write(`${text}\n`);
  if (process.env.PAIR_PROGRESS) appendFileSync(process.env.PAIR_PROGRESS, `${new Date().toISOString()} ${text}\n`);
}

/** addHost creates netns `ns` with `eth0` on the bridge at `addr`. */
function addHost(ns: string, addr: string): void {
  sh(`
    ip netns add ${ns}
    ip link add pv-${ns} type veth peer name eth0 netns ${ns}
    ip link set pv-${ns} master ${BRIDGE} up
    ip -n ${ns} addr add ${addr}/24 dev eth0
    ip -n ${ns} link set eth0 up
    ip -n ${ns} link set lo up
  `);
}

/** Lan is the shared segment with its reals and client. */
export interface Lan {
  close(): Promise<void>;
}

/** startLan builds the bridge, the reals (nginx in LVS-DR) and the client namespace. */
export async function startLan(dir: string): Promise<Lan> {
  quiet(`ip link del ${BRIDGE}; for n in ${REALS.map((r) => r.ns).join(' ')} ${CLIENT_NS}; do ip netns del $n; done`);
  // No multicast snooping: the sync daemon's multicast must reach the peer without a querier.
  sh(`ip link add ${BRIDGE} type bridge mcast_snooping 0; ip link set ${BRIDGE} up`);
  addHost(CLIENT_NS, CLIENT_ADDR);
  const nginx: Nginx[] = [];
  for (const r of REALS) {
    addHost(r.ns, r.addr);
    sh(`
      ip netns exec ${r.ns} sh -ec '
        sysctl -qw net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2
        sysctl -qw net.ipv4.conf.eth0.arp_ignore=1 net.ipv4.conf.eth0.arp_announce=2
        ip addr add ${VIP}/32 dev lo'
    `);
    const root = join(dir, 'www', r.ns);
    writeTestPage(root);
    sh(`printf '%s\\n' ${r.ns} > ${root}/index.html`);
    nginx.push(await startNginx({
      dir: join(dir, `nginx-${r.ns}`), netns: r.ns, keepaliveS: 600,
      sites: [{ address: r.addr, port: 80, root }, { address: VIP, port: 80, root }],
    }));
    await waitFor(`nginx in ${r.ns}`, () => {
      try { return run(['ip', 'netns', 'exec', r.ns, 'curl', '-sf', '-m', '5', `http://${r.addr}/`]).trim() === r.ns ? true : undefined; } catch { return undefined; }
    }, { timeoutMs: 60_000, intervalMs: 300 });
  }
  progress('pair: lan ready');
  return {
    async close() {
      for (const n of nginx) await n.kill();
      quiet(`for n in ${REALS.map((r) => r.ns).join(' ')} ${CLIENT_NS}; do ip netns del $n; done; ip link del ${BRIDGE}`);
    },
  };
}

/** Which ldirectord /usr/sbin/ldirectord is: the caller installs ours (package.ts) or leaves the Perl original. */
export interface DirectorSpec {
  readonly name: 'linuxha1' | 'linuxha2';
  readonly addr: string;
  readonly peer: string;
}

export const DIRECTORS: readonly DirectorSpec[] = [
  { name: 'linuxha1', addr: `${NET}.11`, peer: `${NET}.12` },
  { name: 'linuxha2', addr: `${NET}.12`, peer: `${NET}.11` },
];

/** Our `syncdaemon` directive as the pair uses it: master and backup on the shared segment, the pair's own id. */
export const SYNCDAEMON_LINE = `syncdaemon = both eth0 syncid=${SYNC_ID}`;

/**
 * wwwCf renders the seed's ldirectord.cf for `ldirectord::www` (written as /etc/ha.d/www and
 * www.cf; both ldirectords read `www` first), with our `syncdaemon` directive when asked (the
 * Perl original has none: it would refuse the line). Pure.
 */
export function wwwCf(syncdaemon: boolean): string {
  return [
  'checktimeout=3', 'checkinterval=2', 'autoreload=no', 'logfile="/var/log/ldirectord.log"', 'quiescent=no',
  ...(syncdaemon ? [SYNCDAEMON_LINE] : []), '',
  `virtual=${VIP}:80`,
  ...REALS.map((r) => `\treal=${r.addr}:80 gate`),
  '\tservice=http', '\trequest=".testpage"', '\treceive="Test Page"', '\tscheduler=rr', '\tprotocol=tcp', '\tchecktype=negotiate', '',
  ].join('\n');
}

/** haCf renders ha.cf for one director: ucast to its peer, two nodes, no failback (pure). */
export function haCf(d: DirectorSpec): string {
  return [
    'logfile /var/log/ha-log', 'keepalive 1', 'warntime 4', 'deadtime 8', 'initdead 16', 'udpport 694',
    `ucast eth0 ${d.peer}`, 'auto_failback off', 'crm off', 'node linuxha1', 'node linuxha2', '',
  ].join('\n');
}

/**
 * How ldirectord runs in the pair: `moved` is the seed's haresources (the VIP, ipvsadm and
 * ldirectord::www move together, so the backup starts ldirectord at takeover); `warm` moves only
 * the VIP and runs ldirectord on both directors all the time (the backup's table is already right).
 */
export type PairMode = 'moved' | 'warm';

/** haresources renders the haresources line: linuxha1 prefers the group (pure). */
export function haresources(mode: PairMode): string {
  return `linuxha1 IPaddr::${VIP}/24/eth0/${NET}.255${mode === 'moved' ? ' ipvsadm ldirectord::www' : ''}\n`;
}

/** Director is one running director. */
export interface Director {
  readonly spec: DirectorSpec;
  /** sh runs a script inside the director (its network, mount and UTS namespaces). */
  sh(script: string): string;
  /** table is the director's IPVS table as `ipvsadm -Ln` shows it. */
  table(): Table;
  /** hasVip: the VIP is on the director's eth0. */
  hasVip(): boolean;
  /** file reads a file of the director's private tree ('' if absent). */
  file(path: string): string;
  /** mac is the hardware address of the director's eth0 (what the client's neighbour entry for the VIP names). */
  mac(): string;
  /**
   * crash takes the link down and kills every process in the director's network namespace; it
   * returns the epoch ms at which the link was down (`ip link set down` had returned): from then
   * on no packet reaches the director, so a request started later cannot be served through it.
   */
  crash(): number;
  /** destroy removes what is left (sync threads, namespace). */
  destroy(): void;
}

/**
 * startSyncDaemons starts the kernel's connection-sync daemons in a director by hand with ipvsadm:
 * `both` for the Perl original, which cannot manage one (each director sends what it forwards
 * and receives what the other forwards); `backup` is the boot-time backup that docs/director-pair.md
 * prescribes for ours when ldirectord is a moved resource (the standby runs no ldirectord, yet
 * must receive; ldirectord's `syncdaemon = both` on the active director keeps it and adds the master).
 */
export function startSyncDaemons(d: Director, which: 'both' | 'backup' = 'both', iface = 'eth0', syncid = SYNC_ID): void {
  const states = which === 'both' ? ['master', 'backup'] : ['backup'];
  d.sh(states.map((s) => `ipvsadm --start-daemon ${s} --mcast-interface ${iface} --syncid ${syncid}`).join('\n'));
}

/** SyncState is one kernel sync daemon as `ipvsadm -Ln --daemon` lists it. */
export interface SyncState {
  readonly state: 'master' | 'backup';
  readonly iface: string;
  readonly syncid: number;
}

/** parseDaemons reads `ipvsadm -Ln --daemon` (`master sync daemon (mcast=eth0, syncid=13, ...)`; pure). */
export function parseDaemons(text: string): SyncState[] {
  const out: SyncState[] = [];
  for (const m of text.matchAll(/^(master|backup) sync daemon \(mcast=([^,\s]+), syncid=(\d+)/gm)) {
    out.push({ state: m[1] as 'master' | 'backup', iface: m[2]!, syncid: Number(m[3]) });
  }
  return out;
}

/** syncDaemons lists the sync daemons the director's kernel runs. */
export function syncDaemons(d: Director): SyncState[] {
  return parseDaemons(d.sh('ipvsadm -Ln --daemon'));
}

/** startDirector creates the director's namespaces and private tree and writes its heartbeat config. */
export async function startDirector(spec: DirectorSpec, mode: PairMode = 'moved', wwwConfig = wwwCf(false)): Promise<Director> {
  const ns = `pd-${spec.name}`;
  quiet(`ip netns del ${ns}`);
  addHost(ns, spec.addr);
  const holder: ChildProcess = spawn('ip', ['netns', 'exec', ns, 'unshare', '--mount', '--uts', '--propagation', 'private', 'sleep', 'infinity'],
    { stdio: 'ignore', detached: true });
  const pid = holder.pid!;
  const myUts = run(['readlink', '/proc/self/ns/uts']).trim();
  await waitFor(`${spec.name}'s namespaces`, () => {
    try {
      return run(['readlink', `/proc/${pid}/ns/uts`]).trim() !== myUts && readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'sleep' ? true : undefined;
    } catch { return undefined; }
  }, { timeoutMs: 30_000, intervalMs: 100 });
  const inside = (script: string): string => run(['nsenter', '-t', String(pid), '-n', '-m', '-u', '--', 'sh', '-ec', script]);
  const copy = `/tmp/pair-${spec.name}`;
  inside(`
    hostname ${spec.name}
    rm -rf ${copy}; mkdir -p ${copy}
    for d in /etc/ha.d /var/lib/heartbeat; do
      mkdir -p ${copy}$d; cp -a $d/. ${copy}$d/
      mount -t tmpfs pair $d; cp -a ${copy}$d/. $d/
    done
    rm -f /var/lib/heartbeat/hb_uuid
    mount -t tmpfs pair /run; mkdir -p /run/lock/subsys
    mount -t tmpfs pair /var/log
  `);
  const write = (path: string, text: string, mode = '644'): void => {
    run(['nsenter', '-t', String(pid), '-n', '-m', '-u', '--', 'sh', '-ec', `cat > ${path}; chmod ${mode} ${path}`], text);
  };
  write('/etc/ha.d/ha.cf', haCf(spec));
  write('/etc/ha.d/authkeys', 'auth 1\n1 crc\n', '600');
  write('/etc/ha.d/haresources', haresources(mode));
  write('/etc/ha.d/www.cf', wwwConfig);
  write('/etc/ha.d/www', wwwConfig);
  let crashed = false;
  const d: Director = {
    spec,
    sh: inside,
    table: () => parseIpvsadmList(run(['ip', 'netns', 'exec', ns, 'ipvsadm', '-Ln'])),
    hasVip: () => run(['ip', '-n', ns, '-4', 'addr', 'show', 'dev', 'eth0']).includes(`inet ${VIP}/`),
    file: (path) => { try { return readFileSync(`/proc/${pid}/root${path}`, 'utf8'); } catch { return ''; } },
    mac: () => run(['ip', '-n', ns, 'link', 'show', 'dev', 'eth0']).match(/link\/ether ([0-9a-f:]+)/)?.[1] ?? '',
    crash() {
      crashed = true;
      sh(`ip link set pv-${ns} down`);
      const downAt = Date.now();
      // Every process, heartbeat's children and the daemon included; the holder last (its mounts go with it).
      for (const p of run(['ip', 'netns', 'pids', ns]).split('\n').filter(Boolean).map(Number)) {
        if (p !== pid) { try { process.kill(p, 'SIGKILL'); } catch { /* gone */ } }
      }
      return downAt;
    },
    destroy() {
      if (!crashed) d.crash();
      try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
      for (const step of ['ipvsadm --stop-daemon master', 'ipvsadm --stop-daemon backup', 'ipvsadm -C']) quiet(`ip netns exec ${ns} ${step}`);
      quiet(`ip netns del ${ns}`);
      quiet(`rm -rf ${copy}`);
    },
  };
  return d;
}

/**
 * startHeartbeat starts heartbeat v1 in the director the way Debian's init script does, less its
 * `ResourceManager verifyallidle` (a status of every resource: minutes of process start-ups in a
 * loaded lab guest, and the directors are fresh): the run directories it prepares, then the
 * daemon. Output goes to a file: the daemon must not hold our pipes open.
 */
export function startHeartbeat(d: Director): void {
  d.sh(`
    mkdir -p -m 1755 /run/resource-agents
    for x in crm heartbeat heartbeat/ccm heartbeat/crm heartbeat/dopd; do
      mkdir -p /run/$x; chmod 750 /run/$x; chown hacluster:haclient /run/$x
    done
    /usr/libexec/heartbeat/heartbeat > /var/log/heartbeat-start.out 2>&1 < /dev/null
  `);
}

/** startLdirectord starts ldirectord outside heartbeat (warm standby), output to a file for the same reason. */
export function startLdirectord(d: Director): void {
  d.sh('/usr/sbin/ldirectord www start > /var/log/ldirectord-start.out 2>&1 < /dev/null');
}

/** Sample is one line of the pair client. */
export interface ClientLine {
  readonly kind: 'fresh' | 'long';
  /** long: the connection's name (`open NAME`); fresh: ''. */
  readonly name: string;
  readonly t: number;
  readonly ok: boolean;
  /** long: the client's local port. */
  readonly port: number;
  readonly text: string;
}

/** parseClientLine parses one `fresh|long ...` line of pair-client (pure; undefined for anything else). */
export function parseClientLine(line: string): ClientLine | undefined {
  const f = /^fresh (\d+) ([01]) (.*)$/.exec(line);
  if (f) return { kind: 'fresh', name: '', t: Number(f[1]), ok: f[2] === '1', port: 0, text: f[3]! };
  const l = /^long (\S+) (\d+) ([01]) (\d+) (.*)$/.exec(line);
  if (l) return { kind: 'long', name: l[1]!, t: Number(l[2]), ok: l[3] === '1', port: Number(l[4]), text: l[5]! };
  return undefined;
}

/** PairClient is the running client. */
export interface PairClient {
  readonly lines: ClientLine[];
  /** open (connect and request), connect (no data) or probe the long-lived connection `name`. */
  send(cmd: 'open' | 'connect' | 'probe', name: string): void;
  stop(): Promise<void>;
}

/** collectClientLines parses the client's report lines (stderr) into a list as they arrive. */
export function collectClientLines(stream: NodeJS.ReadableStream): ClientLine[] {
  const lines: ClientLine[] = [];
  let rest = '';
  stream.setEncoding('utf8');
  stream.on('data', (d: string) => {
    rest += d;
    const parts = rest.split('\n');
    rest = parts.pop()!;
    for (const p of parts) { const c = parseClientLine(p); if (c) lines.push(c); }
  });
  return lines;
}

/** startClient runs pair-client in the client namespace. */
export function startClient(): PairClient {
  const script = join(PROJECT_ROOT, 'dist/test/e2e-support/pair-client.js');
  const child = spawn('ip', ['netns', 'exec', CLIENT_NS, process.execPath, script, VIP, '80'], { stdio: ['pipe', 'ignore', 'pipe'] });
  const lines = collectClientLines(child.stderr);
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
  return {
    lines,
    send: (cmd, name) => { child.stdin.write(`${cmd} ${name}\n`); },
    async stop() { child.stdin.end('stop\n'); const t = setTimeout(() => child.kill('SIGKILL'), 30_000); await exited; clearTimeout(t); },
  };
}

/** flushClientArp forgets the client's neighbours (a new pair of directors has new MACs). */
export function flushClientArp(): void {
  quiet(`ip -n ${CLIENT_NS} neigh flush dev eth0`);
}

/** clientNeighbour is the client's neighbour entry for the VIP (`10.7.0.100 dev eth0 lladdr .. REACHABLE`, '' if none). */
export function clientNeighbour(): string {
  try { return run(['ip', '-n', CLIENT_NS, 'neigh', 'show', VIP]).trim(); } catch { return ''; }
}

/** connOf says whether a director's connection table (ipvsadm -Lcn) holds the client's connection from `port`. */
export function connOf(d: Director, port: number): boolean {
  return d.sh('ipvsadm -Lcn').split('\n').some((l) => l.includes(`${CLIENT_ADDR}:${port} `) && l.includes(`${VIP}:80`));
}
