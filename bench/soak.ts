// The soak benchmark (docs/reliability.md, "Soak"): 10,000 reals, real http checks against a node
// http server on loopback, 5 % of the reals flapping, 30 minutes, one sample a minute.
//   node dist/bench/soak.js [--reals 10000] [--per-virtual 10] [--interval 10] [--flap-every 20]
//                           [--flap-intervals 3] [--minutes 30] [--sample 60]
// Prints one JSON line per sample, then a markdown table and the trends (least-squares slope per
// hour of RSS, heap used and fds over the samples after the first).
import { runSoak, slopePerHour, type SoakSample } from './soak-run.js';

function arg(name: string, def: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
}

const f1 = (x: number): string => (Number.isFinite(x) ? x.toFixed(1) : '-');

function table(samples: readonly SoakSample[]): string {
  const head = '| min | RSS MB | heap used / total MB | external MB | fds | sockets | loop p50/p99/max ms | check lag p50/p99/max ms | checks | writes | flaps | CPU % | load |';
  const rows = samples.map((s) => `| ${f1(s.t_s / 60)} | ${f1(s.rss_mb)} | ${f1(s.heap_used_mb)} / ${f1(s.heap_total_mb)} | ${f1(s.external_mb)} | ${s.fds} | ${s.sockets} | `
    + `${f1(s.loop_p50_ms)} / ${f1(s.loop_p99_ms)} / ${f1(s.loop_max_ms)} | ${f1(s.lag_p50_ms)} / ${f1(s.lag_p99_ms)} / ${f1(s.lag_max_ms)} | `
    + `${s.checks} | ${s.writes} | ${s.flaps} | ${f1(s.cpu_pct)} | ${s.load_1m.toFixed(1)} |`);
  return [head, '|---|---|---|---|---|---|---|---|---|---|---|---|---|', ...rows].join('\n');
}

async function main(): Promise<void> {
  const r = await runSoak({
    reals: arg('reals', 10_000), realsPerVirtual: arg('per-virtual', 10), checkinterval: arg('interval', 10),
    flapEvery: arg('flap-every', 20), flapIntervals: arg('flap-intervals', 3),
    seconds: arg('minutes', 30) * 60, sampleSeconds: arg('sample', 60), settleSeconds: 120,
    onSample: (s) => console.log(JSON.stringify(s)),
  });
  const steady = r.samples.slice(1);
  const t = steady.map((s) => s.t_s);
  console.log(table(r.samples));
  console.log(JSON.stringify({
    node: process.version, flapping: r.flapping, total_flaps: r.totalFlaps, flap_writes: r.flapWrites, ipvs_errors: r.ipvsErrors,
    converged: r.converged, dests_at_end: r.destsAtEnd, baseline: r.baseline, after_stop: r.after,
    slope_rss_mb_per_h: +slopePerHour(t, steady.map((s) => s.rss_mb)).toFixed(2),
    slope_heap_mb_per_h: +slopePerHour(t, steady.map((s) => s.heap_used_mb)).toFixed(2),
    slope_fds_per_h: +slopePerHour(t, steady.map((s) => s.fds)).toFixed(2),
    slope_sockets_per_h: +slopePerHour(t, steady.map((s) => s.sockets)).toFixed(2),
  }, null, 1));
  const leaked = r.after.fds - r.baseline.fds;
  if (!r.converged || leaked > 0) { console.error(`soak: FAILED (converged=${r.converged}, fds leaked=${leaked})`); process.exitCode = 1; }
}

void main();
