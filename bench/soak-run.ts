/**
 * The soak: the director engine with real http checks against a real http server (a child
 * process on loopback), a fraction of the reals flapping, for a long time. Every sample period it
 * records what a leak or a slow-down would show: RSS, heap used, open fds and sockets
 * (/proc/self/fd), event-loop delay, the lag of check starts behind their due time, checks run,
 * IPVS writes and the flaps that caused them. At the end the flapping stops, the table must
 * converge to every real, and after stop the fds and sockets must be back at their baseline.
 * Used by bench/soak.ts (30 minutes, 10,000 reals) and test/director/soak.test.ts (short).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { readdirSync, readlinkSync } from 'node:fs';
import { loadavg } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { createDirector } from '../src/director/index.js';
import { MemoryIpvs } from '../src/ipvs/memory.js';
import { runCheck } from '../src/checks/run.js';
import { systemClock } from '../src/util/clock.js';
import { nullLogger } from '../src/util/log.js';
import { syntheticConfig } from './synthetic-config.js';

export interface SoakOptions {
  readonly reals: number;
  readonly realsPerVirtual: number;
  /** Seconds between checks of one real. */
  readonly checkinterval: number;
  /** Every 1/flapEvery-th real flaps (20 = 5 %). */
  readonly flapEvery: number;
  /** A flapping real stays down (then up) this many check intervals. */
  readonly flapIntervals: number;
  readonly seconds: number;
  readonly sampleSeconds: number;
  /** The most the table may take to converge once the flapping stops. */
  readonly settleSeconds: number;
  readonly onSample?: (s: SoakSample) => void;
}

export interface SoakSample {
  readonly t_s: number;
  readonly rss_mb: number;
  readonly heap_used_mb: number;
  /** V8's committed heap, and the memory outside it (buffers): what RSS holds besides heap used. */
  readonly heap_total_mb: number;
  readonly external_mb: number;
  readonly fds: number;
  readonly sockets: number;
  readonly loop_p50_ms: number;
  readonly loop_p99_ms: number;
  readonly loop_max_ms: number;
  readonly lag_p50_ms: number;
  readonly lag_p99_ms: number;
  readonly lag_max_ms: number;
  readonly checks: number;
  readonly writes: number;
  readonly flaps: number;
  readonly dests: number;
  readonly cpu_pct: number;
  readonly load_1m: number;
}

export interface FdCount { readonly fds: number; readonly sockets: number }

export interface SoakResult {
  readonly samples: readonly SoakSample[];
  /** Before the director started (the server child already running). */
  readonly baseline: FdCount;
  /** After stop, once the sockets closed (or the wait ran out). */
  readonly after: FdCount;
  /** Whether every real was in the table within settleSeconds of the flapping's end. */
  readonly converged: boolean;
  readonly destsAtEnd: number;
  readonly flapping: number;
  readonly totalFlaps: number;
  /** IPVS writes from the end of the first round to convergence (one per flap seen). */
  readonly flapWrites: number;
  readonly ipvsErrors: number;
}

/** countFds counts this process's open descriptors, and those that are sockets. */
export function countFds(): FdCount {
  let fds = 0, sockets = 0;
  for (const fd of readdirSync('/proc/self/fd')) {
    let target: string;
    try { target = readlinkSync(`/proc/self/fd/${fd}`); } catch { continue; } // the listing's own fd, closed already
    fds++;
    if (target.startsWith('socket:')) sockets++;
  }
  return { fds, sockets };
}

/** LagHistogram keeps lags in 0.1 ms buckets up to 60 s: recording thousands per second allocates nothing. */
class LagHistogram {
  private readonly b = new Uint32Array(600_001);
  private n = 0;
  record(ms: number): void { this.b[Math.min(600_000, Math.max(0, Math.round(ms * 10)))]!++; this.n++; }
  pct(p: number): number {
    if (this.n === 0) return NaN;
    const want = Math.max(1, Math.ceil((p / 100) * this.n));
    let acc = 0;
    for (let i = 0; i < this.b.length; i++) { acc += this.b[i]!; if (acc >= want) return i / 10; }
    return NaN;
  }
  reset(): void { this.b.fill(0); this.n = 0; }
}

/** Real number n lives at 127.(1+n>>16).(n>>8).n: all on loopback, one server socket for all. */
export const soakAddress = (n: number): string => `127.${1 + ((n >> 16) & 255)}.${(n >> 8) & 255}.${n & 255}`;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const mb = (b: number): number => Math.round(b / 104857.6) / 10;

/** startServer forks bench/soak-server and resolves with it and its port. */
async function startServer(): Promise<{ child: ChildProcess; port: number }> {
  const child = fork(fileURLToPath(new URL('./soak-server.js', import.meta.url)), [], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (m: { port: number }) => resolve(m.port));
    child.once('exit', (code) => reject(new Error(`soak server exited (${code}) before listening`)));
  });
  return { child, port };
}

async function destCount(ipvs: MemoryIpvs): Promise<number> {
  let n = 0;
  for (const s of await ipvs.listServices()) n += (await ipvs.listDests(s.key)).length;
  return n;
}

export async function runSoak(o: SoakOptions): Promise<SoakResult> {
  const { child, port } = await startServer();
  try {
    const cfg = syntheticConfig({
      virtuals: Math.ceil(o.reals / o.realsPerVirtual), realsPerVirtual: o.realsPerVirtual,
      quiescent: false, port, addressOf: soakAddress, checkinterval: o.checkinterval,
    });
    const total = cfg.virtuals.length * o.realsPerVirtual;
    const flappers: string[] = [];
    for (let n = 0; n < total; n++) if (n % o.flapEvery === o.flapEvery - 1) flappers.push(soakAddress(n));

    const ipvs = new MemoryIpvs();
    const lag = new LagHistogram();
    const d = createDirector(cfg, {
      ipvs, clock: systemClock(), logger: nullLogger, runCheck, hostname: 'soak',
      sendMail: async () => {}, exec: async () => 0,
      options: { onCheckStart: (ms) => lag.record(ms) },
    });
    const baseline = countFds();
    await d.start();
    // The first round: every real checked once and added (the start times are spread over one interval).
    const firstRoundBy = Date.now() + (o.checkinterval * 3 + o.settleSeconds) * 1000;
    while ((await destCount(ipvs)) < total && Date.now() < firstRoundBy) await sleep(200);

    // Flapping: flapper j changes state at every second s (from now) with s % period === j % period,
    // so the changes are spread evenly and each state lasts `flapIntervals` check intervals.
    const period = o.flapIntervals * o.checkinterval;
    const down = new Set<string>();
    let flaps = 0, totalFlaps = 0, second = 0;
    const flapTimer = setInterval(() => {
      const msg: { down: string[]; up: string[] } = { down: [], up: [] };
      for (let j = second % period; j < flappers.length; j += period) {
        const a = flappers[j]!;
        if (down.delete(a)) msg.up.push(a); else { down.add(a); msg.down.push(a); }
      }
      second++;
      flaps += msg.down.length + msg.up.length;
      child.send(msg);
    }, 1000);

    const w0 = d.status().counters.ipvsWrites;
    const loop = monitorEventLoopDelay({ resolution: 10 });
    loop.enable();
    lag.reset();
    const samples: SoakSample[] = [];
    const t0 = performance.now();
    let last = d.status().counters, cpu = process.cpuUsage(), tLast = t0;
    while (performance.now() - t0 < o.seconds * 1000) {
      await sleep(Math.min(o.sampleSeconds * 1000, o.seconds * 1000 - (performance.now() - t0)));
      const now = performance.now();
      const c = d.status().counters;
      const cpuNow = process.cpuUsage(cpu);
      const m = process.memoryUsage();
      const f = countFds();
      const s: SoakSample = {
        t_s: Math.round((now - t0) / 1000), rss_mb: mb(m.rss), heap_used_mb: mb(m.heapUsed), heap_total_mb: mb(m.heapTotal), external_mb: mb(m.external), fds: f.fds, sockets: f.sockets,
        loop_p50_ms: loop.percentile(50) / 1e6, loop_p99_ms: loop.percentile(99) / 1e6, loop_max_ms: loop.max / 1e6,
        lag_p50_ms: lag.pct(50), lag_p99_ms: lag.pct(99), lag_max_ms: lag.pct(100),
        checks: c.checksRun - last.checksRun, writes: c.ipvsWrites - last.ipvsWrites, flaps,
        dests: await destCount(ipvs), cpu_pct: Math.round(((cpuNow.user + cpuNow.system) / 1000 / (now - tLast)) * 1000) / 10,
        load_1m: +loadavg()[0]!.toFixed(2),
      };
      totalFlaps += flaps;
      flaps = 0;
      samples.push(s);
      o.onSample?.(s);
      loop.reset();
      lag.reset();
      last = c;
      cpu = process.cpuUsage();
      tLast = now;
    }
    clearInterval(flapTimer);
    loop.disable();
    // Every real up again: the table must hold all of them.
    totalFlaps += flaps + down.size;
    child.send({ up: [...down] });
    const settleBy = Date.now() + o.settleSeconds * 1000;
    let dests = await destCount(ipvs);
    while (dests < total && Date.now() < settleBy) { await sleep(200); dests = await destCount(ipvs); }
    const converged = dests === total;
    const end = d.status().counters;
    await d.stop();
    // Sockets of aborted checks close on the next turns of the loop: wait for them, boundedly.
    let after = countFds();
    const closeBy = Date.now() + 10_000;
    while ((after.sockets > baseline.sockets || after.fds > baseline.fds) && Date.now() < closeBy) { await sleep(100); after = countFds(); }
    return {
      samples, baseline, after, converged, destsAtEnd: dests, flapping: flappers.length, totalFlaps,
      flapWrites: end.ipvsWrites - w0, ipvsErrors: end.ipvsErrors,
    };
  } finally {
    child.kill();
  }
}

/** slopePerHour is the least-squares slope of y over t (seconds), per hour. */
export function slopePerHour(t: readonly number[], y: readonly number[]): number {
  const n = t.length;
  if (n < 2) return NaN;
  const mt = t.reduce((a, b) => a + b, 0) / n, my = y.reduce((a, b) => a + b, 0) / n;
  let num = 0, den = 0;
  for (let i = 0; i < n; i++) { num += (t[i]! - mt) * (y[i]! - my); den += (t[i]! - mt) ** 2; }
  return den === 0 ? 0 : (num / den) * 3600;
}
