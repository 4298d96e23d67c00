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
import { encoded, labelPairs, type TextSink } from './exposition.js';
import { realState, type RealInput, type RealState, type VirtualInput } from './health.js';

/** RealCounters live on the director's per-real entry (carried across reloads). */
export interface RealCounters {
  failuresTotal: number;
  transitionsTotal: number;
  consecutiveFailures: number;
  /** The real's label pairs and kernel dest key, made on first scrape (the entry is rebuilt when the config changes). */
  metricLabels?: Buffer;
  metricKey?: string;
}

export type MetricsReal = RealInput & RealCounters;
export interface MetricsVirtual extends VirtualInput {
  readonly reals: readonly MetricsReal[];
  metricLabels?: Buffer;
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
    const [bucket, sum, count] = [encoded(`${name}_bucket`), encoded(`${name}_sum`), encoded(`${name}_count`)];
    for (const [check, h] of this.byCheck) {
      const l = labelPairs({ check });
      let cum = 0;
      for (let i = 0; i < DURATION_BUCKETS.length; i++) {
        cum += h.counts[i]!;
        sink.sample(bucket, l, cum, LE[i]);
      }
      sink.sample(bucket, l, h.count, LE_INF);
      sink.sample(sum, l, h.sum);
      sink.sample(count, l, h.count);
    }
  }
}

const LE = DURATION_BUCKETS.map((b) => encoded(`le="${b}"`));
const LE_INF = encoded('le="+Inf"');

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

function realLabels(vi: MetricsVirtual, r: MetricsReal): Buffer {
  const d = realDest(vi.v, r.real, 0);
  return labelPairs({ ...virtualLabels(vi.v), remote_address: d.address, remote_port: String(d.port) });
}

const P = 'ldirectord_';
const STATE_LABEL = STATES.map((s) => encoded(`state="${s}"`));
/** N caches encoded metric names. */
const N = new Map<string, Buffer>();
const n = (name: string): Buffer => { let b = N.get(name); if (!b) { b = encoded(P + name); N.set(name, b); } return b; };

/** REAL_FAMILIES: per-real families, in the order their values sit in a row (index = column). */
const REAL_FAMILIES: readonly (readonly [string, 'gauge' | 'counter', string])[] = [
  ['real_up', 'gauge', '1 if the real server takes traffic (up and not drained).'],
  ['real_weight_kernel', 'gauge', 'Weight in the kernel IPVS table (absent: not in the table).'],
  ['real_weight_configured', 'gauge', 'Weight in the configuration.'],
  ['real_check_success', 'gauge', '1 if the last check passed (absent before the first check).'],
  ['real_check_duration_seconds', 'gauge', 'Duration of the last check.'],
  ['real_check_failures_total', 'counter', 'Failed checks since the daemon started.'],
  ['real_transitions_total', 'counter', 'Up/down changes since the daemon started.'],
  ['real_last_transition_timestamp_seconds', 'gauge', 'When the real server entered its state (or was first configured).'],
  ['real_consecutive_failures', 'gauge', 'Failed checks in a row.'],
];
const COLS = REAL_FAMILIES.length;
/** ABSENT marks a value with no sample (no value of these families is negative). */
const ABSENT = -1;

/**
 * renderMetrics writes one scrape. The format wants each family's samples together, so one pass
 * over the reals fills a table of numbers (row per real, column per family), and each family is
 * then one tight loop over a column: at 10,000 reals, 100,000 lines.
 */
export function renderMetrics(
  sink: TextSink, virtuals: Iterable<MetricsVirtual>, kernel: (keyStr: string) => KernelService | undefined, d: DaemonFigures,
): void {
  const labels: Buffer[] = [];
  const states: number[] = [];
  let vals = new Float64Array(1024 * COLS);
  const vrows: { vi: MetricsVirtual; l: Buffer; counts: number[] }[] = [];
  for (const vi of virtuals) {
    const k = kernel(vi.keyStr);
    vi.metricLabels ??= labelPairs(virtualLabels(vi.v));
    const counts = STATES.map(() => 0);
    for (const r of vi.reals) {
      if (!r.metricLabels || r.metricKey === undefined) {
        r.metricLabels = realLabels(vi, r);
        r.metricKey = destKey(realDest(vi.v, r.real, 0));
      }
      const kd = k?.dests.get(r.metricKey);
      const state = STATES.indexOf(realState(vi.v, r, kd ? kd.weight : null));
      counts[state]!++;
      const i = labels.length;
      if ((i + 1) * COLS > vals.length) { const next = new Float64Array(vals.length * 2); next.set(vals); vals = next; }
      const o = i * COLS;
      const last = r.last;
      vals[o] = state === 0 ? 1 : 0;
      vals[o + 1] = kd ? kd.weight : ABSENT;
      vals[o + 2] = r.real.weight;
      vals[o + 3] = last ? (last.up ? 1 : 0) : ABSENT;
      vals[o + 4] = last ? last.durationMs / 1000 : ABSENT;
      vals[o + 5] = r.failuresTotal;
      vals[o + 6] = r.transitionsTotal;
      vals[o + 7] = r.since / 1000;
      vals[o + 8] = r.consecutiveFailures;
      labels.push(r.metricLabels);
      states.push(state);
    }
    vrows.push({ vi, l: vi.metricLabels, counts });
  }

  const rows = labels.length;
  REAL_FAMILIES.forEach(([name, type, help], col) => {
    sink.family(P + name, type, help);
    const nb = n(name);
    for (let i = 0; i < rows; i++) {
      const v = vals[i * COLS + col]!;
      if (v !== ABSENT) sink.sample(nb, labels[i], v);
    }
    if (col === 0) {
      // real_state right after real_up: one series per real, its state as a label.
      sink.family(`${P}real_state`, 'gauge', 'The real server\'s state, as `show` names it (one series, value 1).');
      const ns = n('real_state');
      for (let i = 0; i < rows; i++) sink.sample(ns, labels[i], 1, STATE_LABEL[states[i]!]);
    }
  });

  sink.family(`${P}virtual_reals`, 'gauge', 'Real servers of the virtual service, by state.');
  for (const x of vrows) STATES.forEach((_, i) => sink.sample(n('virtual_reals'), x.l, x.counts[i]!, STATE_LABEL[i]));
  sink.family(`${P}virtual_live_weight`, 'gauge', 'Sum of the weights of the live real servers.');
  for (const x of vrows) sink.sample(n('virtual_live_weight'), x.l, x.vi.vh?.liveWeight ?? 0);
  sink.family(`${P}virtual_quorum_ok`, 'gauge', '1 if the quorum holds (without quorum=: if a real server is up).');
  for (const x of vrows) sink.sample(n('virtual_quorum_ok'), x.l, x.vi.vh?.quorumOk ? 1 : 0);
  sink.family(`${P}virtual_fallback_active`, 'gauge', '1 if the fallback server is in use.');
  for (const x of vrows) sink.sample(n('virtual_fallback_active'), x.l, x.vi.vh?.fallbackActive ? 1 : 0);

  sink.family(`${P}ipvs_writes_total`, 'counter', 'IPVS writes attempted, by operation.');
  for (const [op, count] of Object.entries(d.writesByOp)) sink.sample(n('ipvs_writes_total'), undefined, count, encoded(`op="${op}"`));
  sink.family(`${P}ipvs_write_errors_total`, 'counter', 'IPVS writes the kernel refused or that failed.');
  sink.sample(n('ipvs_write_errors_total'), undefined, d.writeErrors);
  sink.family(`${P}drift_corrections_total`, 'counter', 'IPVS changes needed to undo changes made by another tool.');
  sink.sample(n('drift_corrections_total'), undefined, d.driftCorrections);
  sink.family(`${P}checks_in_flight`, 'gauge', 'Checks running now.');
  sink.sample(n('checks_in_flight'), undefined, d.checksInFlight);
  sink.family(`${P}checks_total`, 'counter', 'Checks run since the daemon started.');
  sink.sample(n('checks_total'), undefined, d.checksRun);
  d.histogram?.render(sink, `${P}check_duration_seconds`);
  if (d.loopLag) {
    sink.family(`${P}event_loop_lag_p99_seconds`, 'gauge', '99th percentile of the event-loop delay since the previous scrape.');
    sink.sample(n('event_loop_lag_p99_seconds'), undefined, d.loopLag.p99);
    sink.family(`${P}event_loop_lag_max_seconds`, 'gauge', 'Largest event-loop delay since the previous scrape.');
    sink.sample(n('event_loop_lag_max_seconds'), undefined, d.loopLag.max);
  }
  sink.family(`${P}config_last_reload_successful`, 'gauge', '1 if the last configuration reload worked (1 before any reload).');
  sink.sample(n('config_last_reload_successful'), undefined, d.reload.lastOk ? 1 : 0);
  sink.family(`${P}config_last_reload_success_timestamp_seconds`, 'gauge', 'When the configuration was last loaded successfully (start or reload).');
  sink.sample(n('config_last_reload_success_timestamp_seconds'), undefined, d.reload.lastOkAt / 1000);
  sink.family(`${P}config_reloads_total`, 'counter', 'Configuration reloads, by result.');
  sink.sample(n('config_reloads_total'), undefined, d.reload.succeeded, encoded('result="success"'));
  sink.sample(n('config_reloads_total'), undefined, d.reload.failed, encoded('result="failure"'));
  sink.family(`${P}build_info`, 'gauge', 'Version of ldirectord for Node.js and of Node.js; the configuration name.');
  sink.sample(n('build_info'), labelPairs({ version: d.version, nodejs: process.version, config: d.config }), 1);
}
