// The cost of the health view and the metrics (issue 11), on the host with the in-memory IPVS
// double and a fake check (answers on the next setImmediate), 1,000 virtuals x 10 reals:
//
//   node dist/bench/health-bench.js cpu [--seconds 20] [--metrics]   # CPU per check; --metrics: histogram fed, a scrape per second
//   node --expose-gc --max-semi-space-size=64 dist/bench/health-bench.js scrape [--scrapes 20]
//
// cpu: process CPU time (user+system) over the run divided by the checks run; the same file runs
// on an older tree (no metrics: the director has no metrics()) to compare "before" and "after".
// scrape: the time of one /metrics render and one `show` snapshot at 10,000 reals, and the bytes
// each allocates: heap used + array buffers after a forced GC, before and after, with a young
// generation large enough that no GC runs in between (the gc observer counts any that does).
import { loadavg } from 'node:os';
import { PerformanceObserver } from 'node:perf_hooks';
import { createDirector } from '../src/director/index.js';
import { MemoryIpvs } from '../src/ipvs/memory.js';
import { systemClock } from '../src/util/clock.js';
import { nullLogger } from '../src/util/log.js';
import type { Config } from '../src/config/model.js';
import { syntheticConfig } from './synthetic-config.js';
import type { CheckFn, CheckResult } from '../src/checks/types.js';

function arg(name: string, def: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
}
const MODE = process.argv[2] ?? 'cpu';
const NV = arg('virtuals', 1000), NR = arg('reals', 10), SECONDS = arg('seconds', 20), SCRAPES = arg('scrapes', 20);
const METRICS = process.argv.includes('--metrics');

const buildConfig = (): Config => syntheticConfig({ virtuals: NV, realsPerVirtual: NR, quiescent: true });

// Every 10th real fails, so the view and the metrics have more than one state to show.
const up: CheckResult = { up: true, message: '200 OK', durationMs: 0.4 };
const down: CheckResult = { up: false, message: '500 Internal Server Error', durationMs: 0.4 };
const check: CheckFn = (spec) => new Promise((resolve) => setImmediate(() => resolve(spec.realAddress.endsWith('0') ? down : up)));

const median = (a: number[]): number => { const s = [...a].sort((x, y) => x - y); return s[Math.floor(s.length / 2)]!; };

async function main(): Promise<void> {
  // Loaded only where they exist (an older tree, for the "before" figure, has neither).
  const m = METRICS || MODE === 'scrape' ? await import('../src/director/metrics.js') : undefined;
  const x = METRICS || MODE === 'scrape' ? await import('../src/director/exposition.js') : undefined;
  const histogram = m ? new m.CheckHistogram() : undefined;
  const d = createDirector(buildConfig(), {
    ipvs: new MemoryIpvs(), clock: systemClock(), logger: nullLogger, runCheck: check, hostname: 'bench',
    sendMail: async () => {}, exec: async () => 0,
    options: { driftIntervalMs: 0, ...(histogram ? { onCheckDone: (c: string, ms: number) => histogram.observe(c, ms / 1000) } : {}) },
  });
  await d.start();
  await new Promise((r) => setTimeout(r, 2500));
  const sink = x ? new x.TextSink() : undefined;
  const figures = { config: 'bench', version: 'bench', reload: { lastOk: true, lastOkAt: Date.now(), succeeded: 0, failed: 0 }, loopLag: { p99: 0, max: 0 }, histogram };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const dm = d as any;
  const scrape = (): number => { sink!.begin(); dm.metrics(sink, figures); const n = sink!.take().length; sink!.returned(); return n; };

  if (MODE === 'cpu') {
    const c0 = d.status().counters.checksRun;
    const u0 = process.cpuUsage();
    const scraper = METRICS ? setInterval(scrape, 1000) : undefined;
    await new Promise((r) => setTimeout(r, SECONDS * 1000));
    if (scraper) clearInterval(scraper);
    const u = process.cpuUsage(u0);
    const checks = d.status().counters.checksRun - c0;
    await d.stop();
    console.log(JSON.stringify({
      mode: METRICS ? 'cpu, metrics on (histogram fed, one scrape per second)' : 'cpu, view and metrics unused',
      reals: NV * NR, seconds: SECONDS, checks, checks_per_s: Math.round(checks / SECONDS),
      cpu_us_per_check: +((u.user + u.system) / checks).toFixed(2), node: process.version,
    }));
    return;
  }

  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with node --expose-gc --max-semi-space-size=64');
  let gcs = 0;
  const obs = new PerformanceObserver((l) => { gcs += l.getEntries().length; });
  obs.observe({ entryTypes: ['gc'] });
  const measure = (fn: () => unknown): { ms: number; cpu: number; mb: number; gcs: number } => {
    gc();
    const g0 = gcs;
    const a = process.memoryUsage();
    const t = performance.now();
    const c = process.cpuUsage();
    fn();
    const cu = process.cpuUsage(c);
    const ms = performance.now() - t;
    const b = process.memoryUsage();
    return { ms, cpu: (cu.user + cu.system) / 1000, mb: (b.heapUsed - a.heapUsed + b.arrayBuffers - a.arrayBuffers) / 1048576, gcs: gcs - g0 };
  };
  scrape(); // first scrape: label sets built and the buffer grown once (kept afterwards)
  const bytes = scrape();
  const scrapes = Array.from({ length: SCRAPES }, () => measure(scrape));
  const shows = Array.from({ length: Math.max(3, Math.floor(SCRAPES / 4)) }, () => measure(() => JSON.stringify(d.health())));
  await new Promise((r) => setTimeout(r, 100));
  obs.disconnect();
  await d.stop();
  const sum = (a: { ms: number; cpu: number; mb: number; gcs: number }[]) => ({
    ms_median: +median(a.map((s) => s.ms)).toFixed(1), ms_max: +Math.max(...a.map((s) => s.ms)).toFixed(1),
    cpu_ms_median: +median(a.map((s) => s.cpu)).toFixed(1),
    alloc_mb_median: +median(a.map((s) => s.mb)).toFixed(2), alloc_mb_max: +Math.max(...a.map((s) => s.mb)).toFixed(2), gcs_during: a.reduce((n, s) => n + s.gcs, 0),
  });
  console.log(JSON.stringify({ reals: NV * NR, load_avg_1m: +loadavg()[0]!.toFixed(1), scrape_bytes: bytes, scrapes: SCRAPES, scrape: sum(scrapes), show_json: sum(shows), node: process.version }));
}

void main();
