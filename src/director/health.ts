/**
 * The health view (pure): what `ldirectord <cfg> show` prints and `--json` returns. It reads the
 * director's per-real state and its cached copy of the kernel table and returns a plain,
 * versioned object (schema in docs/health.md). Nothing here runs per check: the view costs
 * only when asked for.
 */
import type { RealServer, VirtualService } from '../config/model.js';
import { destKey, type KernelService } from './diff.js';
import { fallbackDest, realDest, serviceOf } from './desired.js';
import type { RealHealth, VirtualHealth } from './state.js';
import type { DaemonStatus } from './types.js';
import { hostPort } from '../util/address.js';
import type { SyncDaemonView } from './sync-daemon.js';

/** HEALTH_SCHEMA names the JSON layout; a breaking change gets a new version. */
export const HEALTH_SCHEMA = 'ldirectord.health/v1';

/** MAINTENANCE_MESSAGE is the reason a maintenancedir hit gives (the director forces the real down). */
export const MAINTENANCE_MESSAGE = 'Server in maintenance';

/**
 * RealState, as the admin reads it: `pending` = not checked yet; `quiescent` = down but kept in the
 * table at weight 0; `maintenance` = maintenancedir; `drained` = `ldirectord drain`; `off` =
 * checktype=off.
 */
export type RealState = 'up' | 'down' | 'quiescent' | 'maintenance' | 'drained' | 'off' | 'pending';

/** DrainMark is a runtime drain of one real (drain.ts keeps and persists them). */
export interface DrainMark {
  readonly reason: string;
  /** Wall-clock ms when the drain was asked for. */
  readonly since: number;
  /** `enable` was asked: the real comes back with the next passing check. */
  readonly enabling: boolean;
}

/** LastCheck is the outcome of a real's most recent check (mutated in place by the director). */
export interface LastCheck { readonly up: boolean; readonly message: string; readonly durationMs: number; readonly at: number }

/** RealInput is what the view needs of one real (the director's RealEntry has these fields). */
export interface RealInput {
  readonly real: RealServer;
  readonly health: RealHealth;
  readonly last?: LastCheck;
  /** Wall-clock ms of the last change of `health.health` (or of the entry's creation). */
  readonly since: number;
  readonly drain?: DrainMark;
}

/** VirtualInput is what the view needs of one virtual (the director's VirtualEntry). */
export interface VirtualInput {
  readonly v: VirtualService;
  readonly keyStr: string;
  readonly vh: VirtualHealth | undefined;
  readonly reals: readonly RealInput[];
}

export interface RealView {
  readonly address: string;
  readonly port: number;
  readonly forward: 'Route' | 'Masq' | 'Tunnel';
  readonly weight: { readonly kernel: number | null; readonly configured: number };
  readonly health: RealState;
  readonly failures: number;
  readonly failurecount: number;
  readonly last: { readonly ok: boolean; readonly reason: string; readonly latencyMs: number; readonly at: string } | null;
  readonly since: string;
  readonly drain: { readonly reason: string; readonly since: string; readonly enabling: boolean } | null;
}

export interface VirtualView {
  readonly id: string;
  /** The service line as `ipvsadm -Ln` prints it. */
  readonly line: string;
  readonly protocol: 'tcp' | 'udp' | 'fwm';
  readonly address: string | null;
  readonly port: number | null;
  readonly fwmark: number | null;
  readonly scheduler: string;
  readonly inKernel: boolean;
  /** false until every real has had its first answer. */
  readonly settled: boolean;
  readonly fallback: { readonly address: string; readonly port: number; readonly forward: 'Route' | 'Masq' | 'Tunnel'; readonly active: boolean; readonly kernelWeight: number | null } | null;
  readonly fallbackActive: boolean;
  readonly quorum: { readonly ok: boolean; readonly liveWeight: number; readonly quorum: number; readonly hysteresis: number } | null;
  readonly reals: readonly RealView[];
}

export interface HealthSnapshot {
  readonly schema: typeof HEALTH_SCHEMA;
  readonly config: string;
  readonly file: string;
  readonly pid: number;
  readonly status: DaemonStatus;
  readonly generatedAt: string;
  readonly virtuals: readonly VirtualView[];
  /** The sync daemons syncdaemon= asks for (empty without it); the director adds them. */
  readonly syncDaemons?: readonly SyncDaemonView[];
}

export interface SnapshotMeta {
  readonly config: string;
  readonly file: string;
  readonly pid: number;
  readonly status: DaemonStatus;
  /** Wall-clock ms. */
  readonly now: number;
}

const FORWARD_NAMES = { gate: 'Route', masq: 'Masq', ipip: 'Tunnel' } as const;

/** realState classifies one real (kernelWeight null = not in the table). */
export function realState(v: VirtualService, r: RealInput, kernelWeight: number | null): RealState {
  if (r.drain) return 'drained';
  if (v.checktype.kind === 'off') return 'off';
  const h = r.health.health;
  if (h === 'unknown') return 'pending';
  if (h === 'up') return 'up';
  if (r.last && !r.last.up && r.last.message === MAINTENANCE_MESSAGE) return 'maintenance';
  return kernelWeight === 0 ? 'quiescent' : 'down';
}

const iso = (ms: number): string => new Date(ms).toISOString();

/** serviceLineOf is the `ipvsadm -Ln` service line of a virtual (scheduler, flags, persistence). */
export function serviceLineOf(v: VirtualService): string {
  const s = serviceOf(v);
  const k = s.key;
  let line: string;
  if (k.fwmark !== undefined) line = `FWM  ${k.fwmark | 0}${k.family === 6 ? ' IPv6' : ''} ${s.scheduler}`;
  else line = `${k.protocol.toUpperCase().padEnd(4)} ${hostPort(k.family, k.address, k.port)} ${s.scheduler}`;
  if (s.flags & 0x1) line += ` persistent ${s.timeout}`;
  if (s.flags & 0x4) line += ' ops';
  return line;
}

/** realView is one real's row. */
export function realView(vi: VirtualInput, r: RealInput, kernel: KernelService | undefined): RealView {
  const v = vi.v;
  const d = realDest(v, r.real, r.real.weight);
  const kd = kernel?.dests.get(destKey(d));
  const kernelWeight = kd ? kd.weight : null;
  return {
    address: d.address,
    port: d.port,
    forward: FORWARD_NAMES[r.real.forward],
    weight: { kernel: kernelWeight, configured: r.real.weight },
    health: realState(v, r, kernelWeight),
    failures: r.health.failcount,
    failurecount: v.failurecount,
    last: r.last ? { ok: r.last.up, reason: r.last.message, latencyMs: Math.round(r.last.durationMs * 10) / 10, at: iso(r.last.at) } : null,
    since: iso(r.since),
    drain: r.drain ? { reason: r.drain.reason, since: iso(r.drain.since), enabling: r.drain.enabling } : null,
  };
}

/** virtualView is one virtual with its reals. */
export function virtualView(vi: VirtualInput, kernel: KernelService | undefined): VirtualView {
  const v = vi.v;
  const fb = v.fallback ? fallbackDest(v, v.fallback) : undefined;
  const fbKernel = fb ? kernel?.dests.get(destKey(fb)) : undefined;
  return {
    id: v.id,
    line: serviceLineOf(v),
    protocol: v.protocol,
    address: v.protocol === 'fwm' ? null : v.address ?? null,
    port: v.protocol === 'fwm' ? null : v.port,
    fwmark: v.protocol === 'fwm' ? v.fwmark ?? 0 : null,
    scheduler: v.scheduler,
    inKernel: kernel !== undefined,
    settled: vi.vh !== undefined,
    fallback: fb ? { address: fb.address, port: fb.port, forward: FORWARD_NAMES[v.fallback!.forward], active: vi.vh?.fallbackActive ?? false, kernelWeight: fbKernel ? fbKernel.weight : null } : null,
    fallbackActive: vi.vh?.fallbackActive ?? false,
    quorum: v.quorum !== undefined
      ? { ok: vi.vh?.quorumOk ?? false, liveWeight: vi.vh?.liveWeight ?? 0, quorum: v.quorum, hysteresis: v.hysteresis }
      : null,
    reals: vi.reals.map((r) => realView(vi, r, kernel)),
  };
}

/** healthSnapshot builds the whole view; `kernel` is the director's cached table (by service key). */
export function healthSnapshot(
  meta: SnapshotMeta,
  virtuals: Iterable<VirtualInput>,
  kernel: (keyStr: string) => KernelService | undefined,
): HealthSnapshot {
  const list: VirtualView[] = [];
  for (const vi of virtuals) list.push(virtualView(vi, kernel(vi.keyStr)));
  return {
    schema: HEALTH_SCHEMA, config: meta.config, file: meta.file, pid: meta.pid, status: meta.status,
    generatedAt: iso(meta.now), virtuals: list,
  };
}
