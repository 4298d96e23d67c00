/**
 * One failover of the seed's director pair (issue 13), shared by the kernel test and the
 * benchmark: both directors come up under heartbeat, linuxha1 takes the VIP (and, `moved`, runs
 * `ipvsadm ldirectord::www`); the client streams fresh requests through the VIP and holds
 * long-lived connections; linuxha1 crashes; linuxha2 takes over. Everything waited for is an
 * observable state (a served request, a kernel table, a connection entry) with a generous deadline.
 *
 * The failure instant is when linuxha1's link is down (`crash()` returns it), not when the crash
 * was asked for: a request started between the two can still be served through linuxha1, which is
 * what made the first runs report a 9-23 ms "takeover" (docs/benchmarks.md, "Director pair").
 */
import {
  clientNeighbour, connOf, DIRECTORS, progress, flushClientArp, REALS, SERVICE, startClient, startDirector, startHeartbeat, startLdirectord,
  startSyncDaemons, syncDaemons, wwwCf, type ClientLine, type Director, type PairClient, type PairMode, type SyncState,
} from './pair-topology.js';
import { waitFor } from '../../e2e-support/wait.js';
import { bothOnline, crmMon, pacemakerLog, startPacemaker } from './pair-pacemaker.js';

/** Generous deadline for each step: at load 25-38 heartbeat began acquiring the group 4 min 20 s after its start. */
const STEP_MS = 600_000;
/**
 * The first step, the cluster up and serving, gets twice that: at host load 6-9 Pacemaker's first
 * transition came 9 min after corosync started, and the warm clone starts on both directors
 * before the VIP does (docs/benchmarks.md, "Director pair").
 */
const UP_MS = 2 * STEP_MS;

/** Which ldirectord runs: ours manages the sync daemons with `syncdaemon=`, the Perl original has them started by hand. */
export type PairSystem = 'ours' | 'perl';

/** Which cluster manager moves the VIP: heartbeat v1 (haresources) or corosync + Pacemaker (pair-pacemaker.ts). */
export type PairManager = 'heartbeat' | 'pacemaker';

/** Evidence of where the first answers after the crash came from (the figure is only as good as this). */
export interface TakeoverEvidence {
  /** Epoch ms: crash asked for, link down (the failure instant), VIP first seen on linuxha2 (polled), first request served. */
  readonly crashAt: number;
  readonly downAt: number;
  readonly vipSeenAt: number;
  readonly firstServedAt: number;
  /** Requests started between crashAt and downAt that were served (through linuxha1: its link was still up). */
  readonly servedBeforeDown: number;
  /** The directors' eth0 MACs and the client's neighbour entry for the VIP before the crash and after the first answer. */
  readonly mac1: string;
  readonly mac2: string;
  readonly neighBefore: string;
  readonly neighAfter: string;
  /** linuxha2 held the VIP just before the crash (it must not). */
  readonly backupHadVip: boolean;
  /** linuxha2's cluster-manager log lines about the takeover (heartbeat's ha-log, or Pacemaker's and corosync's). */
  readonly haLog: readonly string[];
}

/** FailoverResult is what one failover measured; the caller asserts on it. */
export interface FailoverResult {
  readonly system: PairSystem;
  readonly manager: PairManager;
  readonly sync: boolean;
  readonly mode: PairMode;
  /** heartbeat start -> first request served through the VIP. */
  readonly upMs: number;
  /** link of the active director down -> start of the first request served through the backup. */
  readonly takeoverMs: number;
  /** Fresh requests that failed between the failure and the first served one. */
  readonly lost: number;
  /** Fresh requests started in that window. */
  readonly tried: number;
  /** The long-lived connection opened (and synced, if sync is on) before the crash answered after the takeover. */
  readonly kept: boolean;
  /** What the long-lived connection got after the takeover (a real's name, or the error). */
  readonly keptText: string;
  /**
   * The idle connection (opened, no data before the crash: 2 packets, below the kernel's sync
   * threshold of 3, so never synced): what its first request after the takeover got. Stands for
   * "not synced" in every case; linuxha2 held no entry for it before the crash.
   */
  readonly idle: { readonly kept: boolean; readonly text: string; readonly onBackup: boolean };
  /** The sync daemons each director's kernel ran: linuxha1 before the crash, linuxha2 after the takeover. */
  readonly daemons1: readonly SyncState[];
  readonly daemons2: readonly SyncState[];
  /** linuxha2's ldirectord log lines about its sync daemons (ours only). */
  readonly syncLog2: readonly string[];
  /** The backup's kernel state after the takeover. */
  readonly backupHasVip: boolean;
  readonly backupReals: number;
  /** Bodies of fresh requests served after the takeover (the reals' names). */
  readonly servedBy: readonly string[];
  readonly evidence: TakeoverEvidence;
}

const realNames = new Set<string>(REALS.map((r) => r.ns));

/** The director's logs a failure message shows, last lines of each (ldirectord-start.out: heartbeat's warm standby). */
const LOGS: Record<PairManager, readonly string[]> = {
  heartbeat: ['/var/log/heartbeat-start.out', '/var/log/ha-log', '/var/log/ldirectord-start.out', '/var/log/ldirectord.log'],
  pacemaker: ['/var/log/pacemakerd.out', '/var/log/corosync/corosync.log', '/var/log/pacemaker/pacemaker.log', '/var/log/ldirectord.log'],
};

function tails(ds: readonly Director[], manager: PairManager): string {
  const tail = (s: string): string => s.split('\n').slice(-15).join('\n');
  return ds.map((d) => [...LOGS[manager].map((f) => `--- ${d.spec.name} ${f}:\n${tail(d.file(f))}`),
    ...(manager === 'pacemaker' ? [`--- ${d.spec.name} crm_mon:\n${crmMon(d)}`] : [])].join('\n')).join('\n');
}

function served(c: PairClient, after: number): ClientLine | undefined {
  return c.lines.find((l) => l.kind === 'fresh' && l.ok && l.t >= after && realNames.has(l.text));
}

function reals(d: Director): number {
  try { return d.table().get(SERVICE)?.size ?? -1; } catch { return -1; }
}

const longs = (c: PairClient, name: string): ClientLine[] => c.lines.filter((l) => l.kind === 'long' && l.name === name);

/** FailoverOptions: which ldirectord (default ours), sync daemons on or off, how ldirectord runs (default: the seed's `moved`). */
export interface FailoverOptions {
  readonly system?: PairSystem;
  readonly sync: boolean;
  readonly mode?: PairMode;
  /** Default heartbeat. */
  readonly manager?: PairManager;
  readonly log?: (line: string) => void;
}

/** setUpSync starts what runs the sync daemons before heartbeat: by hand for the Perl original; ours (moved) the boot backups. */
function setUpSync(ds: readonly Director[], system: PairSystem, mode: PairMode): void {
  if (system === 'perl') { for (const d of ds) startSyncDaemons(d, 'both'); return; }
  // Ours, warm: ldirectord runs on both directors and its `syncdaemon = both` starts both daemons.
  if (mode === 'warm') return;
  // Ours, moved: the standby runs no ldirectord, so its backup comes from the boot (docs/director-pair.md);
  // ldirectord's directive adds the master where it runs.
  for (const d of ds) startSyncDaemons(d, 'backup');
}

/** openLong opens the long-lived connection `name` and waits for its first answer, which must be served. */
async function openLong(c: PairClient, name: string, describe: () => string): Promise<ClientLine> {
  c.send('open', name);
  const opened = await waitFor(`the long-lived connection ${name} answered`, () => longs(c, name)[0], { timeoutMs: STEP_MS, intervalMs: 200, describe });
  if (!opened.ok) throw new Error(`the long-lived connection ${name} failed before the crash: ${opened.text}`);
  return opened;
}

/** probeLong sends one more request on `name` and waits for its outcome. */
async function probeLong(c: PairClient, name: string, describe: () => string): Promise<ClientLine> {
  const before = longs(c, name).length;
  c.send('probe', name);
  return waitFor(`the long-lived connection ${name} after the takeover`, () => longs(c, name)[before], { timeoutMs: STEP_MS, intervalMs: 200, describe });
}

/** runFailover builds a fresh pair, fails linuxha1 over and measures. */
export async function runFailover(opts: FailoverOptions): Promise<FailoverResult> {
  const mode = opts.mode ?? 'moved';
  const system = opts.system ?? 'ours';
  const manager = opts.manager ?? 'heartbeat';
  const started = Date.now();
  // Progress as it happens (TAP diagnostics only come at the end of a test).
  const log = (line: string): void => {
    progress(`pair ${system} ${manager === 'heartbeat' ? '' : `${manager} `}${mode} sync=${opts.sync} +${((Date.now() - started) / 1000).toFixed(1)} s: ${line}`);
    opts.log?.(line);
  };
  const ds: Director[] = [];
  let client: PairClient | undefined;
  try {
    const cf = wwwCf(opts.sync && system === 'ours');
    for (const spec of DIRECTORS) ds.push(await startDirector(spec, mode, cf));
    const [d1, d2] = ds as [Director, Director];
    flushClientArp();
    if (opts.sync) setUpSync(ds, system, mode);
    const t0 = Date.now();
    log('directors ready');
    if (manager === 'pacemaker') {
      // Pacemaker runs ldirectord in both shapes (the group, or the clone).
      for (const d of ds) startPacemaker(d, DIRECTORS, mode);
      log('corosync and pacemakerd started');
    } else {
      for (const d of ds) startHeartbeat(d);
      log('heartbeat started');
      // Warm standby: ldirectord runs on both directors, outside heartbeat, as an init script would start it.
      if (mode === 'warm') for (const d of ds) startLdirectord(d);
    }
    client = startClient();
    const c = client;
    const describe = (): string => `${tails(ds, manager)}\nclient: ${JSON.stringify(c.lines.slice(-3))}`;
    await waitFor('linuxha1 active: VIP, table, a request served', () =>
      (d1.hasVip() && reals(d1) === REALS.length && served(c, t0) ? true : undefined), { timeoutMs: UP_MS, intervalMs: 500, describe });
    const upMs = served(c, t0)!.t - t0;
    log(`up: ${upMs} ms`);
    // The backup must know its peer is alive, or it is not a standby yet (heartbeat's initdead);
    // a warm standby also has its table programmed.
    await waitFor('linuxha2 sees linuxha1 active', () => {
      if (mode === 'warm' && reals(d2) !== REALS.length) return undefined;
      if (manager === 'pacemaker') return bothOnline(d2) ? true : undefined;
      try { return d2.sh('cl_status nodestatus linuxha1').trim() === 'active' ? true : undefined; } catch { return undefined; }
    }, { timeoutMs: STEP_MS, intervalMs: 1000, describe });
    log('linuxha2 is a standby');

    // The idle connection first: by the time the main one is on linuxha2, a sync of the idle one would be too.
    c.send('connect', 'idle');
    const idle = await waitFor('the idle connection', () => longs(c, 'idle')[0], { timeoutMs: STEP_MS, intervalMs: 200, describe });
    if (!idle.ok) throw new Error(`the idle connection failed before the crash: ${idle.text}`);
    await waitFor('linuxha1 holds the idle connection', () => (connOf(d1, idle.port) ? true : undefined), { timeoutMs: STEP_MS, intervalMs: 500, describe });
    const opened = await openLong(c, 'main', describe);
    if (opts.sync) {
      await waitFor('linuxha2 holds the synced connection', () => (connOf(d2, opened.port) ? true : undefined),
        { timeoutMs: STEP_MS, intervalMs: 500, describe: () => d2.sh('ipvsadm -Lcn') });
    } else if (connOf(d2, opened.port)) {
      throw new Error('linuxha2 holds the connection without a sync daemon');
    }
    log(`long-lived connection from port ${opened.port}`);
    const daemons1 = syncDaemons(d1);
    const idleOnBackup = connOf(d2, idle.port);

    const mac1 = d1.mac();
    const mac2 = d2.mac();
    const neighBefore = clientNeighbour();
    const backupHadVip = d2.hasVip();
    const crashAt = Date.now();
    const downAt = d1.crash();
    log(`linuxha1 crashed (link down ${downAt - crashAt} ms after the crash began)`);
    // Poll linuxha2's VIP while waiting for the first request served after the link went down.
    let vipSeenAt = 0;
    const first = await waitFor('a request served after the crash', () => {
      if (!vipSeenAt && d2.hasVip()) vipSeenAt = Date.now();
      return served(c, downAt);
    }, { timeoutMs: STEP_MS, intervalMs: 200, describe });
    const neighAfter = clientNeighbour();
    if (!vipSeenAt && d2.hasVip()) vipSeenAt = Date.now();
    const window = c.lines.filter((l) => l.kind === 'fresh' && l.t >= downAt && l.t < first.t);
    await waitFor('linuxha2 programmed', () => (d2.hasVip() && reals(d2) === REALS.length ? true : undefined),
      { timeoutMs: STEP_MS, intervalMs: 500, describe });

    const probe = await probeLong(c, 'main', describe);
    const idleProbe = await probeLong(c, 'idle', describe);
    // A few more requests to show who serves now.
    await waitFor('more requests served', () => (c.lines.filter((l) => l.kind === 'fresh' && l.ok && l.t > probe.t).length >= 4 ? true : undefined),
      { timeoutMs: STEP_MS, intervalMs: 200, describe });
    const haLog = manager === 'pacemaker' ? pacemakerLog(d2) : d2.file('/var/log/ha-log').split('\n').filter((l) => /dead|[Tt]aking over|acquir|IPaddr|ldirectord/.test(l)).slice(-12);
    const result: FailoverResult = {
      system, manager, sync: opts.sync, mode, upMs,
      takeoverMs: first.t - downAt,
      lost: window.filter((l) => !l.ok).length,
      tried: window.length,
      kept: probe.ok && realNames.has(probe.text), keptText: probe.text,
      idle: { kept: idleProbe.ok && realNames.has(idleProbe.text), text: idleProbe.text, onBackup: idleOnBackup },
      daemons1, daemons2: syncDaemons(d2),
      syncLog2: d2.file('/var/log/ldirectord.log').split('\n').filter((l) => /sync daemon/i.test(l)).slice(-6),
      backupHasVip: d2.hasVip(), backupReals: reals(d2),
      servedBy: [...new Set(c.lines.filter((l) => l.kind === 'fresh' && l.ok && l.t >= first.t).map((l) => l.text))].sort(),
      evidence: {
        crashAt, downAt, vipSeenAt, firstServedAt: first.t,
        servedBeforeDown: c.lines.filter((l) => l.kind === 'fresh' && l.ok && l.t >= crashAt && l.t < downAt).length,
        mac1, mac2, neighBefore, neighAfter, backupHadVip, haLog,
      },
    };
    log(JSON.stringify(result));
    return result;
  } catch (e) {
    // What went wrong, live (with PAIR_PROGRESS), not only at the end of the TAP output.
    log(`failed: ${(e as Error).message}`);
    throw e;
  } finally {
    await client?.stop();
    for (const d of ds) d.destroy();
  }
}
