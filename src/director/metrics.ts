/**
 * Prometheus metrics of the director, rendered at scrape time from the state it already keeps:
 * nothing is updated per check for them but three counters on the real's entry (and the
 * duration histogram, only while metrics are on). Label names are node_exporter's IPVS
 * collector's (local_address, local_port, local_mark, proto, remote_address, remote_port), so
 * these series join with the kernel's counters, which we do not re-export. Names and types:
 * docs/health.md.
 */
import type { VirtualService } from '../config/model.js';
import type { IpvsOp } from '../ipvs/types.js';
import { destKey, type KernelService } from './diff.js';
import { realDest } from './desired.js';
import { labelSet, type TextSink } from './exposition.js';
import { realState, type RealInput, type RealState, type VirtualInput } from './health.js';

/** RealCounters live on the director's per-real entry (carried across reloads). */
export interface RealCounters {
  failuresTotal: number;
  transitionsTotal: number;
  consecutiveFailures: number;
  /** The real's label set, built on first scrape (the entry is rebuilt when the config changes). */
  metricLabels?: string;
}

export type MetricsReal = RealInput & RealCounters;
export interface MetricsVirtual extends VirtualInput {
  readonly reals: readonly MetricsReal[];
  metricLabels?: string;
}

/** DURATION_BUCKETS (seconds): from a loopback connect to a checktimeout. */
export const DURATION_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;

/** CheckHistogram: check durations by check (http, smtp, connect, ...). */
export class CheckHistogram {
  private readonly byCheck = new Map<string, { counts: Float64Array; sum: number; count: number }>();

  observe(check: string, seconds: number): void {
    let h = this.byCheck.get(check);
    if (!h) { h = { counts: new Float64Array(DURATION_BUCKETS.length), sum: 0, count: 0 }; this.byCheck.set(check, h); }
    for (let i = 0; i < DURATION_BUCKETS.length; i++) if (seconds <= DURATION_BUCKETS[i]!) { h.counts[i]!++; break; }
    h.sum += seconds;
    h.count++;
  }

  render(sink: TextSink, name: string): void {
    sink.family(name, 'histogram', 'Duration of health checks, by check.');
    for (const [check, h] of this.byCheck) {
      const l = labelSet({ check });
      let cum = 0;
      for (let i = 0; i < DURATION_BUCKETS.length; i++) {
        cum += h.counts[i]!;
        sink.sample(`${name}_bucket`, l, cum, `le="${DURATION_BUCKETS[i]}"`);
      }
      sink.sample(`${name}_bucket`, l, h.count, 'le="+Inf"');
      sink.sample(`${name}_sum`, l, h.sum);
      sink.sample(`${name}_count`, l, h.count);
    }
  }
}

/** DaemonFigures are the engine-wide figures a scrape shows. */
export interface DaemonFigures {
  readonly config: string;
  readonly version: string;
  readonly writesByOp: Readonly<Record<IpvsOp['op'], number>>;
  readonly writeErrors: number;
  readonly driftCorrections: number;
  readonly checksInFlight: number;
  readonly checksRun: number;
  readonly reload: { readonly lastOk: boolean; readonly lastOkAt: number; readonly succeeded: number; readonly failed: number };
  /** Event-loop delay since the previous scrape, seconds; undefined = not measured. */
  readonly loopLag?: { readonly p99: number; readonly max: number };
  readonly histogram?: CheckHistogram;
}

const STATES: readonly RealState[] = ['up', 'down', 'quiescent', 'maintenance', 'drained', 'off', 'pending'];

function virtualLabels(v: VirtualService): Record<string, string> {
  if (v.protocol === 'fwm') return { local_address: '', local_port: '0', local_mark: String(v.fwmark ?? 0), proto: 'FWM' };
  return { local_address: v.address ?? '', local_port: String(v.port), local_mark: '', proto: v.protocol.toUpperCase() };
}

function realLabels(vi: MetricsVirtual, r: MetricsReal): string {
  const d = realDest(vi.v, r.real, 0);
  return labelSet({ ...virtualLabels(vi.v), remote_address: d.address, remote_port: String(d.port) });
}

const P = 'ldirectord_';

interface RealRow { readonly r: MetricsReal; readonly l: string; readonly state: RealState; readonly kernelWeight: number | null }

/**
 * renderMetrics writes one scrape. Families are written one after another (the format wants
 * each family's samples together), so the per-real rows are computed once and walked per family.
 */
export function renderMetrics(
  sink: TextSink, virtuals: Iterable<MetricsVirtual>, kernel: (keyStr: string) => KernelService | undefined, d: DaemonFigures,
): void {
  const rows: RealRow[] = [];
  const vrows: { vi: MetricsVirtual; l: string; counts: number[] }[] = [];
  for (const vi of virtuals) {
    const k = kernel(vi.keyStr);
    vi.metricLabels ??= labelSet(virtualLabels(vi.v));
    const counts = STATES.map(() => 0);
    for (const r of vi.reals) {
      r.metricLabels ??= realLabels(vi, r);
      const kd = k?.dests.get(destKey(realDest(vi.v, r.real, 0)));
      const state = realState(vi.v, r, kd ? kd.weight : null);
      counts[STATES.indexOf(state)]!++;
      rows.push({ r, l: r.metricLabels, state, kernelWeight: kd ? kd.weight : null });
    }
    vrows.push({ vi, l: vi.metricLabels, counts });
  }

  const perReal = (name: string, type: 'gauge' | 'counter', help: string, value: (x: RealRow) => number | undefined): void => {
    sink.family(P + name, type, help);
    for (const x of rows) {
      const v = value(x);
      if (v !== undefined) sink.sample(P + name, x.l, v);
    }
  };
  perReal('real_up', 'gauge', '1 if the real server takes traffic (up and not drained).', (x) => (x.state === 'up' ? 1 : 0));
  sink.family(`${P}real_state`, 'gauge', 'The real server\'s state, as `show` names it (one series, value 1).');
  for (const x of rows) sink.sample(`${P}real_state`, x.l, 1, `state="${x.state}"`);
  perReal('real_weight_kernel', 'gauge', 'Weight in the kernel IPVS table (absent: not in the table).', (x) => x.kernelWeight ?? undefined);
  perReal('real_weight_configured', 'gauge', 'Weight in the configuration.', (x) => x.r.real.weight);
  perReal('real_check_success', 'gauge', '1 if the last check passed (absent before the first check).', (x) => (x.r.last ? (x.r.last.up ? 1 : 0) : undefined));
  perReal('real_check_duration_seconds', 'gauge', 'Duration of the last check.', (x) => (x.r.last ? x.r.last.durationMs / 1000 : undefined));
  perReal('real_check_failures_total', 'counter', 'Failed checks since the daemon started.', (x) => x.r.failuresTotal);
  perReal('real_transitions_total', 'counter', 'Up/down changes since the daemon started.', (x) => x.r.transitionsTotal);
  perReal('real_last_transition_timestamp_seconds', 'gauge', 'When the real server entered its state (or was first configured).', (x) => x.r.since / 1000);
  perReal('real_consecutive_failures', 'gauge', 'Failed checks in a row.', (x) => x.r.consecutiveFailures);

  sink.family(`${P}virtual_reals`, 'gauge', 'Real servers of the virtual service, by state.');
  for (const x of vrows) STATES.forEach((s, i) => sink.sample(`${P}virtual_reals`, x.l, x.counts[i]!, `state="${s}"`));
  sink.family(`${P}virtual_live_weight`, 'gauge', 'Sum of the weights of the live real servers.');
  for (const x of vrows) sink.sample(`${P}virtual_live_weight`, x.l, x.vi.vh?.liveWeight ?? 0);
  sink.family(`${P}virtual_quorum_ok`, 'gauge', '1 if the quorum holds (without quorum=: if a real server is up).');
  for (const x of vrows) sink.sample(`${P}virtual_quorum_ok`, x.l, x.vi.vh?.quorumOk ? 1 : 0);
  sink.family(`${P}virtual_fallback_active`, 'gauge', '1 if the fallback server is in use.');
  for (const x of vrows) sink.sample(`${P}virtual_fallback_active`, x.l, x.vi.vh?.fallbackActive ? 1 : 0);

  sink.family(`${P}ipvs_writes_total`, 'counter', 'IPVS writes attempted, by operation.');
  for (const [op, n] of Object.entries(d.writesByOp)) sink.sample(`${P}ipvs_writes_total`, '', n, `op="${op}"`);
  sink.family(`${P}ipvs_write_errors_total`, 'counter', 'IPVS writes the kernel refused or that failed.');
  sink.sample(`${P}ipvs_write_errors_total`, '', d.writeErrors);
  sink.family(`${P}drift_corrections_total`, 'counter', 'IPVS changes needed to undo changes made by another tool.');
  sink.sample(`${P}drift_corrections_total`, '', d.driftCorrections);
  sink.family(`${P}checks_in_flight`, 'gauge', 'Checks running now.');
  sink.sample(`${P}checks_in_flight`, '', d.checksInFlight);
  sink.family(`${P}checks_total`, 'counter', 'Checks run since the daemon started.');
  sink.sample(`${P}checks_total`, '', d.checksRun);
  d.histogram?.render(sink, `${P}check_duration_seconds`);
  if (d.loopLag) {
    sink.family(`${P}event_loop_lag_p99_seconds`, 'gauge', '99th percentile of the event-loop delay since the previous scrape.');
    sink.sample(`${P}event_loop_lag_p99_seconds`, '', d.loopLag.p99);
    sink.family(`${P}event_loop_lag_max_seconds`, 'gauge', 'Largest event-loop delay since the previous scrape.');
    sink.sample(`${P}event_loop_lag_max_seconds`, '', d.loopLag.max);
  }
  sink.family(`${P}config_last_reload_successful`, 'gauge', '1 if the last configuration reload worked (1 before any reload).');
  sink.sample(`${P}config_last_reload_successful`, '', d.reload.lastOk ? 1 : 0);
  sink.family(`${P}config_last_reload_success_timestamp_seconds`, 'gauge', 'When the configuration was last loaded successfully (start or reload).');
  sink.sample(`${P}config_last_reload_success_timestamp_seconds`, '', d.reload.lastOkAt / 1000);
  sink.family(`${P}config_reloads_total`, 'counter', 'Configuration reloads, by result.');
  sink.sample(`${P}config_reloads_total`, '', d.reload.succeeded, 'result="success"');
  sink.sample(`${P}config_reloads_total`, '', d.reload.failed, 'result="failure"');
  sink.family(`${P}build_info`, 'gauge', 'Version of ldirectord for Node.js and of Node.js; the configuration name.');
  sink.sample(`${P}build_info`, labelSet({ version: d.version, nodejs: process.version, config: d.config }), 1);
}
