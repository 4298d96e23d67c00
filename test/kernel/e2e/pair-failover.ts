/**
 * One failover of the seed's director pair (issue 13), shared by the kernel test and the
 * benchmark: both directors come up under heartbeat, linuxha1 takes the VIP and runs
 * `ipvsadm ldirectord::www`; the client streams fresh requests through the VIP and holds one
 * long-lived connection; linuxha1 crashes; linuxha2 takes over. Everything waited for is an
 * observable state (a served request, a kernel table, a connection entry) with a generous deadline.
 */
import {
  connOf, DIRECTORS, progress, flushClientArp, REALS, SERVICE, startClient, startDirector, startHeartbeat, startLdirectord, startSyncDaemons,
  type ClientLine, type Director, type PairClient, type PairMode,
} from './pair-topology.js';
import { waitFor } from '../../e2e-support/wait.js';

/** Generous deadline for each step: at load 25-38 heartbeat began acquiring the group 4 min 20 s after its start. */
const STEP_MS = 600_000;

/** FailoverResult is what one failover measured; the caller asserts on it. */
export interface FailoverResult {
  readonly sync: boolean;
  readonly mode: PairMode;
  /** heartbeat start -> first request served through the VIP. */
  readonly upMs: number;
  /** crash of the active director -> start of the first request served by the backup. */
  readonly takeoverMs: number;
  /** Fresh requests that failed between the crash and the first served one. */
  readonly lost: number;
  /** Fresh requests started in that window (lost + those still answered by nobody = lost). */
  readonly tried: number;
  /** The long-lived connection opened before the crash answered after the takeover. */
  readonly kept: boolean;
  /** What the long-lived connection got after the takeover (a real's name, or the error). */
  readonly keptText: string;
  /** The backup's kernel state after the takeover. */
  readonly backupHasVip: boolean;
  readonly backupReals: number;
  /** Bodies of fresh requests served after the takeover (the reals' names). */
  readonly servedBy: readonly string[];
}

const realNames = new Set<string>(REALS.map((r) => r.ns));

function tails(ds: readonly Director[]): string {
  const tail = (s: string): string => s.split('\n').slice(-15).join('\n');
  return ds.map((d) => `--- ${d.spec.name} heartbeat start:\n${tail(d.file('/var/log/heartbeat-start.out'))}\n--- ha-log:\n${tail(d.file('/var/log/ha-log'))}\n--- ldirectord.log:\n${tail(d.file('/var/log/ldirectord.log'))}`).join('\n');
}

function served(c: PairClient, after: number): ClientLine | undefined {
  return c.lines.find((l) => l.kind === 'fresh' && l.ok && l.t > after && realNames.has(l.text));
}

function reals(d: Director): number {
  try { return d.table().get(SERVICE)?.size ?? -1; } catch { return -1; }
}

/** FailoverOptions: sync daemons on or off, and how ldirectord runs (default: the seed's `moved`). */
export interface FailoverOptions {
  readonly sync: boolean;
  readonly mode?: PairMode;
  readonly log?: (line: string) => void;
}

/** runFailover builds a fresh pair, fails linuxha1 over and measures. */
export async function runFailover(opts: FailoverOptions): Promise<FailoverResult> {
  const mode = opts.mode ?? 'moved';
  const started = Date.now();
  // Progress as it happens (TAP diagnostics only come at the end of a test).
  const log = (line: string): void => {
    progress(`pair ${mode} sync=${opts.sync} +${((Date.now() - started) / 1000).toFixed(1)} s: ${line}`);
    opts.log?.(line);
  };
  const ds: Director[] = [];
  let client: PairClient | undefined;
  try {
    for (const spec of DIRECTORS) ds.push(await startDirector(spec, mode));
    const [d1, d2] = ds as [Director, Director];
    flushClientArp();
    if (opts.sync) for (const d of ds) startSyncDaemons(d);
    const t0 = Date.now();
    log('directors ready');
    for (const d of ds) startHeartbeat(d);
    log('heartbeat started');
    // Warm standby: ldirectord runs on both directors, outside heartbeat, as an init script would start it.
    if (mode === 'warm') for (const d of ds) startLdirectord(d);
    client = startClient();
    const c = client;
    const describe = (): string => `${tails(ds)}\nclient: ${JSON.stringify(c.lines.slice(-3))}`;
    await waitFor('linuxha1 active: VIP, table, a request served', () =>
      (d1.hasVip() && reals(d1) === REALS.length && served(c, t0) ? true : undefined), { timeoutMs: STEP_MS, intervalMs: 500, describe });
    const upMs = served(c, t0)!.t - t0;
    log(`up: ${upMs} ms`);
    // The backup must know its peer is alive, or it is not a standby yet (heartbeat's initdead).
    await waitFor('linuxha2 sees linuxha1 active', () => {
      try { return d2.sh('cl_status nodestatus linuxha1').trim() === 'active' ? true : undefined; } catch { return undefined; }
    }, { timeoutMs: STEP_MS, intervalMs: 1000, describe });

    log('linuxha2 is a standby');
    c.send('open');
    const opened = await waitFor('the long-lived connection answered', () => c.lines.find((l) => l.kind === 'long'),
      { timeoutMs: STEP_MS, intervalMs: 200, describe });
    if (!opened.ok) throw new Error(`the long-lived connection failed before the crash: ${opened.text}`);
    if (opts.sync) {
      await waitFor('linuxha2 holds the synced connection', () => (connOf(d2, opened.port) ? true : undefined),
        { timeoutMs: STEP_MS, intervalMs: 500, describe: () => d2.sh('ipvsadm -Lcn') });
    } else if (connOf(d2, opened.port)) {
      throw new Error('linuxha2 holds the connection without a sync daemon');
    }

    log(`long-lived connection from port ${opened.port}`);
    const tk = Date.now();
    d1.crash();
    log('linuxha1 crashed');
    const first = await waitFor('a request served after the crash', () => served(c, tk),
      { timeoutMs: STEP_MS, intervalMs: 200, describe });
    const window = c.lines.filter((l) => l.kind === 'fresh' && l.t >= tk && l.t < first.t);
    await waitFor('linuxha2 programmed', () => (d2.hasVip() && reals(d2) === REALS.length ? true : undefined),
      { timeoutMs: STEP_MS, intervalMs: 500, describe });

    const before = c.lines.filter((l) => l.kind === 'long').length;
    c.send('probe');
    const probe = await waitFor('the long-lived connection after the takeover', () => c.lines.filter((l) => l.kind === 'long')[before],
      { timeoutMs: STEP_MS, intervalMs: 200, describe });
    // A few more requests to show who serves now.
    await waitFor('more requests served', () => (c.lines.filter((l) => l.kind === 'fresh' && l.ok && l.t > probe.t).length >= 4 ? true : undefined),
      { timeoutMs: STEP_MS, intervalMs: 200, describe });
    const result: FailoverResult = {
      sync: opts.sync, mode, upMs,
      takeoverMs: first.t - tk,
      lost: window.filter((l) => !l.ok).length,
      tried: window.length,
      kept: probe.ok && realNames.has(probe.text), keptText: probe.text,
      backupHasVip: d2.hasVip(), backupReals: reals(d2),
      servedBy: [...new Set(c.lines.filter((l) => l.kind === 'fresh' && l.ok && l.t >= first.t).map((l) => l.text))].sort(),
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
