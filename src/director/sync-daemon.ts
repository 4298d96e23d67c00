/**
 * SyncDaemons keeps the kernel's IPVS connection-sync daemons as `syncdaemon=` asks
 * (docs/director-pair.md). The rules, each one a way a failover would otherwise lose connections:
 *  - idempotent: a daemon already running as configured is kept (start, reload, restart write
 *    nothing, so the sync stream has no gap);
 *  - a daemon running with other parameters that this process did not start (Debian's ipvsadm
 *    init script, an admin) is a conflict: logged, shown, never stopped or replaced;
 *  - a config without the directive (or without one of the states) leaves the kernel's daemons
 *    alone, and stop never stops them: the standby's backup daemon is what keeps its copy of the
 *    connections, and the active node's master is what feeds it.
 * Only a daemon this process started is replaced when its directive changes. A start that
 * fails (interface not up yet at boot) and a conflict are looked at again every RETRY_MS.
 */
import type { SyncDaemonSpec } from '../config/model.js';
import type { IpvsHandle, IpvsSyncDaemon, SyncState } from '../ipvs/types.js';
import type { Logger } from '../util/log.js';
import { SerialQueue } from '../util/serial-queue.js';

/** RETRY_MS: how often a failed start or a conflict is looked at again. */
export const RETRY_MS = 30_000;

/** The kernel's defaults for what the directive leaves out (ip_vs_sync.c; maxlen depends on the MTU). */
const DEFAULT_GROUP4 = '224.0.0.81';
const DEFAULT_PORT = 8848;
const DEFAULT_TTL = 1;

/** SyncStatus: `running` as configured; `conflict` another daemon holds the state; `failed` the kernel refused. */
export type SyncStatus = 'running' | 'conflict' | 'failed';

/** SyncDaemonView is one configured daemon as `show` and the metrics present it. */
export interface SyncDaemonView {
  readonly state: SyncState;
  readonly status: SyncStatus;
  /** What the config asks for (line = the syncdaemon= line). */
  readonly wanted: { readonly interface: string; readonly syncid: number; readonly line: number };
  /** What the kernel runs for this state (null: none). */
  readonly kernel: IpvsSyncDaemon | null;
  /** `ldirectord`: started by this daemon; `other`: found running (adopted when it matches). */
  readonly owner: 'ldirectord' | 'other' | null;
  /** Why it is not running: the conflict or the kernel's error. */
  readonly message: string | null;
}

type SyncPort = Pick<IpvsHandle, 'listDaemons' | 'startDaemon' | 'stopDaemon'>;

/** describeDaemon prints a daemon the way `ipvsadm -Ln --daemon` does (without the state). */
export function describeDaemon(d: Pick<IpvsSyncDaemon, 'mcastIfn' | 'syncId' | 'syncMaxLen' | 'mcastGroup' | 'mcastPort' | 'mcastTtl'>): string {
  let s = `mcast=${d.mcastIfn}, syncid=${d.syncId}`;
  if (d.syncMaxLen !== undefined) s += `, maxlen=${d.syncMaxLen}`;
  if (d.mcastGroup !== undefined) s += `, group=${d.mcastGroup}`;
  if (d.mcastPort !== undefined) s += `, port=${d.mcastPort}`;
  if (d.mcastTtl !== undefined) s += `, ttl=${d.mcastTtl}`;
  return s;
}

/** toDaemon is the kernel request for one spec (absent options: the kernel's defaults). */
export function toDaemon(s: SyncDaemonSpec): IpvsSyncDaemon {
  return {
    state: s.state, mcastIfn: s.interface, syncId: s.syncid,
    ...(s.maxlen !== undefined ? { syncMaxLen: s.maxlen } : {}),
    ...(s.group !== undefined ? { mcastGroup: s.group } : {}),
    ...(s.port !== undefined ? { mcastPort: s.port } : {}),
    ...(s.ttl !== undefined ? { mcastTtl: s.ttl } : {}),
  };
}

/**
 * matches tells whether a running daemon is the one the spec asks for. An option left out must be
 * at the kernel's default (a master on port 9000 and a backup on 8848 never meet), except maxlen,
 * whose default follows the interface's MTU. A kernel that reports no group/port/ttl (before 4.9)
 * runs the defaults.
 */
export function matches(s: SyncDaemonSpec, k: IpvsSyncDaemon): boolean {
  if (k.state !== s.state || k.mcastIfn !== s.interface || k.syncId !== s.syncid) return false;
  if (s.maxlen !== undefined && k.syncMaxLen !== undefined && k.syncMaxLen !== s.maxlen) return false;
  const group = (s.group ?? (k.mcastGroup?.includes(':') ? '' : DEFAULT_GROUP4)).toLowerCase();
  if ((k.mcastGroup ?? DEFAULT_GROUP4).toLowerCase() !== group) return false;
  if ((k.mcastPort ?? DEFAULT_PORT) !== (s.port ?? DEFAULT_PORT)) return false;
  return (k.mcastTtl ?? DEFAULT_TTL) === (s.ttl ?? DEFAULT_TTL);
}

/** SyncAction is what reconcile does for one configured state. */
export type SyncAction = 'keep' | 'start' | 'replace' | 'conflict';

/** planSync is the pure decision for one state: `ours` = this process started the running daemon. */
export function planSync(s: SyncDaemonSpec, running: IpvsSyncDaemon | undefined, ours: boolean): SyncAction {
  if (!running) return 'start';
  if (matches(s, running)) return 'keep';
  return ours ? 'replace' : 'conflict';
}

interface Slot { spec: SyncDaemonSpec; status: SyncStatus; kernel: IpvsSyncDaemon | null; message: string | null }

/** SyncDaemons is owned by the director: reconcile on start and reload, retry on its tick. */
export class SyncDaemons {
  private specs: readonly SyncDaemonSpec[] | undefined;
  private slots = new Map<SyncState, Slot>();
  /**
   * The spec this process started each state's daemon with: a running daemon is ours only while
   * it still matches it (one stopped and restarted by someone else with other parameters is not).
   */
  private readonly startedWith = new Map<SyncState, SyncDaemonSpec>();
  private lastTry = 0;
  /** One reconcile pass at a time: each reads the kernel's daemons and then writes. */
  private readonly passes = new SerialQueue();

  constructor(private readonly ipvs: SyncPort, private readonly logger: Logger) {}

  /** configure sets the wanted daemons and reconciles (start and reload); `now` is monotonic ms. */
  async configure(specs: readonly SyncDaemonSpec[] | undefined, now: number): Promise<void> {
    if (this.specs !== undefined && specs === undefined && this.slots.size > 0) {
      this.logger.info('syncdaemon is no longer in the configuration: the running sync daemons are left alone (ipvsadm --stop-daemon stops them)');
    }
    for (const st of this.slots.keys()) {
      if (!specs?.some((s) => s.state === st)) { this.slots.delete(st); this.startedWith.delete(st); }
    }
    this.specs = specs;
    await this.passes.run(() => this.pass(now));
  }

  /**
   * tick looks again every RETRY_MS: a failed start is retried, a conflict that was resolved is
   * taken up, a daemon someone stopped is started again (as the table's drift is corrected).
   */
  tick(now: number): void {
    if (this.passes.busy || !this.specs?.length || now - this.lastTry < RETRY_MS) return;
    void this.passes.run(() => this.pass(now));
  }

  /** view is what `show` and the metrics present, in master, backup order. */
  view(): SyncDaemonView[] {
    return (['master', 'backup'] as const).flatMap((st) => {
      const s = this.slots.get(st);
      if (!s) return [];
      return [{
        state: st, status: s.status, wanted: { interface: s.spec.interface, syncid: s.spec.syncid, line: s.spec.line },
        kernel: s.kernel, owner: s.kernel ? (this.isOurs(st, s.kernel) ? 'ldirectord' : 'other') : null, message: s.message,
      }];
    });
  }

  private async pass(now: number): Promise<void> {
    this.lastTry = now;
    const specs = this.specs;
    if (!specs || specs.length === 0) return;
    let list: IpvsSyncDaemon[];
    try {
      list = await this.ipvs.listDaemons();
    } catch (e) {
      for (const spec of specs) this.record(spec, 'failed', null, `cannot list the sync daemons: ${errText(e)}`);
      return;
    }
    for (const spec of specs) {
      const running = list.find((d) => d.state === spec.state);
      const action = planSync(spec, running, running !== undefined && this.isOurs(spec.state, running));
      if (action === 'keep') {
        if (!this.slots.has(spec.state) && !this.isOurs(spec.state, running!)) {
          this.logger.info(`The ${spec.state} sync daemon already runs as configured (${describeDaemon(running!)}): kept`);
        }
        this.record(spec, 'running', running!, null);
        continue;
      }
      if (action === 'conflict') {
        this.record(spec, 'conflict', running!, `the kernel already runs a ${spec.state} sync daemon (${describeDaemon(running!)}) `
          + `that ldirectord did not start; syncdaemon= at line ${spec.line} wants (${describeDaemon(toDaemon(spec))}): left alone. `
          + `Stop it (ipvsadm --stop-daemon ${spec.state}) or make the two agree`);
        continue;
      }
      await this.start(spec, action === 'replace' ? running : undefined);
    }
  }

  private async start(spec: SyncDaemonSpec, replacing: IpvsSyncDaemon | undefined): Promise<void> {
    const want = toDaemon(spec);
    try {
      if (replacing) {
        this.logger.warn(`Restarting the ${spec.state} sync daemon for the changed syncdaemon= (was ${describeDaemon(replacing)}, now ${describeDaemon(want)})`);
        await this.ipvs.stopDaemon(spec.state);
        this.startedWith.delete(spec.state);
      }
      await this.ipvs.startDaemon(want);
    } catch (e) {
      this.record(spec, 'failed', null, `could not start the ${spec.state} sync daemon (${describeDaemon(want)}): ${errText(e)}`);
      return;
    }
    this.startedWith.set(spec.state, spec);
    this.logger.info(`Started ${spec.state} sync daemon (${describeDaemon(want)})`);
    this.record(spec, 'running', want, null);
  }

  private isOurs(st: SyncState, running: IpvsSyncDaemon): boolean {
    const spec = this.startedWith.get(st);
    return spec !== undefined && matches(spec, running);
  }

  /** record keeps the outcome; a problem is logged when it is new (not on every retry). */
  private record(spec: SyncDaemonSpec, status: SyncStatus, kernel: IpvsSyncDaemon | null, message: string | null): void {
    const prev = this.slots.get(spec.state);
    this.slots.set(spec.state, { spec, status, kernel, message });
    if (message && prev?.message !== message) {
      if (status === 'conflict') this.logger.warn(`Sync daemon conflict: ${message}`);
      else this.logger.error(`Sync daemon: ${message}`);
    }
    if (status === 'running' && prev && prev.status !== 'running') this.logger.info(`The ${spec.state} sync daemon runs as configured again`);
  }
}

function errText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
