/**
 * The director's public types: its dependencies, options and the status snapshot.
 * The daemon builds DirectorDeps in the composition root; tests pass fakes.
 */
import type { CheckFn } from '../checks/types.js';
import type { Config } from '../config/model.js';
import type { IpvsHandle } from '../ipvs/types.js';
import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/log.js';
import type { DrainRecord } from './drain.js';
import type { HealthSnapshot } from './health.js';
import type { TextSink } from './exposition.js';
import type { DaemonFigures } from './metrics.js';

/** EngineFigures: what the engine adds to a scrape (the director knows the rest). */
export type EngineFigures = Pick<DaemonFigures, 'config' | 'version' | 'reload' | 'loopLag' | 'histogram'>;

/** MailMessage is one alert; `to` holds one entry per address (each gets its own RCPT). */
export interface MailMessage {
  readonly to: readonly string[];
  readonly from: string;
  readonly subject: string;
  readonly text: string;
  /** The virtual's smtp= server; undefined = local sendmail. */
  readonly smtp?: string;
}

/** DirectorFs is the file access the director needs (maintenancedir, monitorfile). */
export interface DirectorFs {
  readdir(dir: string): Promise<string[]>;
  appendFile(path: string, data: string): Promise<void>;
}

/** DirectorOptions are knobs that are not (yet) config directives. */
export interface DirectorOptions {
  /**
   * Run `fallbackcommand start` for every virtual on stop (ldirectord issue #750). Overrides the
   * global directive `fallbackcommandonstop` (default no, as the original).
   */
  readonly fallbackCommandOnStop?: boolean;
  /** Re-read the kernel table and fix drift every this many ms (default 60000; 0 = never). */
  readonly driftIntervalMs?: number;
  /** Housekeeping period: reminders, retries of failed writes (default 1000 ms). */
  readonly tickMs?: number;
  /** Reverse-DNS cache lifetime for maintenancedir names (default 600000 ms). */
  readonly rdnsTtlMs?: number;
  /** Observer of scheduling lag: ms between a check's due time and its start (metrics, benchmarks). */
  readonly onCheckStart?: (lagMs: number) => void;
  /** Observer of every check's duration (ms), by check name (the metrics histogram); absent = no cost. */
  readonly onCheckDone?: (check: string, durationMs: number) => void;
  /** Delay of the first checks; default = random point within each probe's interval. */
  readonly firstDelayMs?: number;
}

/** DrainStore keeps the runtime drains (the daemon's state file); load is called once, at construction. */
export interface DrainStore {
  load(): DrainRecord[];
  save(records: readonly DrainRecord[]): Promise<void>;
}

/** DirectorDeps: everything with side effects is injected. */
export interface DirectorDeps {
  readonly ipvs: IpvsHandle;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly runCheck: CheckFn;
  readonly hostname?: string;
  readonly sendMail?: (msg: MailMessage) => Promise<void>;
  /** Runs argv (fallbackcommand goes through /bin/sh, see fallbackArgv); resolves with the exit code. */
  readonly exec?: (argv: readonly string[]) => Promise<number>;
  readonly fs?: DirectorFs;
  /** Reverse lookup for maintenancedir names (dns.reverse by default). */
  readonly reverse?: (ip: string) => Promise<string[]>;
  readonly random?: () => number;
  readonly pid?: number;
  readonly options?: DirectorOptions;
  /** Runtime drains (none kept when absent). */
  readonly drainStore?: DrainStore;
}

/** DaemonStatus matches the original's status values (emailalertstatus bits). */
export type DaemonStatus = 'starting' | 'running' | 'stopping' | 'reloading' | 'stopped';

export interface RealStatus {
  readonly address: string;
  readonly port: number;
  readonly state: 'up' | 'down' | 'unknown';
  readonly failcount: number;
  /** Weight in the kernel (director's cached view); null = absent. */
  readonly kernelWeight: number | null;
  readonly last?: { readonly up: boolean; readonly message: string; readonly durationMs: number; readonly at: number };
}

export interface VirtualStatus {
  readonly id: string;
  readonly fallbackActive: boolean;
  /** false until every real has had its first answer (fallback not decided before). */
  readonly settled: boolean;
  readonly quorum?: { readonly ok: boolean; readonly liveWeight: number; readonly quorum: number; readonly hysteresis: number };
  readonly reals: readonly RealStatus[];
}

export interface DirectorStatus {
  readonly status: DaemonStatus;
  readonly counters: {
    readonly checksRun: number;
    readonly ipvsWrites: number;
    readonly ipvsErrors: number;
    readonly driftCorrections: number;
    readonly probes: number;
  };
  readonly virtuals: readonly VirtualStatus[];
}

/** Director is the engine seam the daemon drives. */
export interface Director {
  start(): Promise<void>;
  reload(config: Config): Promise<void>;
  stop(): Promise<void>;
  /**
   * halt stops every check at once, synchronously (stop() then only cleans up): a stop runs over
   * several event-loop turns, and in a starved daemon each turn that still starts checks lasts
   * seconds (a daemon at 3 % of a CPU with 1,000 reals outlived a 120 s stop bound).
   */
  halt(): void;
  status(): DirectorStatus;
  /** The health view (health.ts). */
  health(): HealthSnapshot;
  /** Drain / enable the reals a target names; resolve with the `virtual real` pairs matched. */
  drain(target: string, reason: string): Promise<string[]>;
  enable(target: string): Promise<string[]>;
  /** Writes one Prometheus scrape into `sink` (metrics.ts). */
  metrics(sink: TextSink, figures: EngineFigures): void;
}
