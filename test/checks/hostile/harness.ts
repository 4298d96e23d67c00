/**
 * The hostile-server harness shared by the hostile tests and bench/hostile-bench.ts: start the
 * hostile servers (a child process), build the spec of a case, run a check while sampling this
 * process's RSS and event-loop delay, and run a hostile case beside 1,000 healthy http checks
 * (1,000 reals at the default checkinterval) against a real nginx.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { writeFileSync } from 'node:fs';
import { runCheck } from '../../../src/checks/run.js';
import type { CheckResult, CheckSpec } from '../../../src/checks/types.js';
import { freePort, makeSpec, makeTempDir, startNginx, startProcess, type ServerProcess } from '../../harness/index.js';
import { MAX_BYTES, type HostileCase } from './cases.js';

/** HOSTILE_HOST: where the hostile servers listen; HEALTHY_HOST: the nginx of the healthy checks. */
export const HOSTILE_HOST = '127.0.9.1';
export const HEALTHY_HOST = '127.0.9.2';

export interface HostileServers {
  port(c: HostileCase): number;
  stop(): Promise<void>;
}

/** startHostileServers runs server-main.js in a child and reads the port of every case. */
export async function startHostileServers(host = HOSTILE_HOST): Promise<HostileServers> {
  const main = fileURLToPath(new URL('./server-main.js', import.meta.url));
  const proc: ServerProcess = await startProcess(process.execPath, [main, host]);
  const ports = await new Promise<Record<string, number>>((resolve, reject) => {
    let out = '';
    const onData = (d: Buffer): void => {
      out += d.toString();
      const nl = out.indexOf('\n');
      if (nl < 0) return;
      proc.child.stdout?.removeListener('data', onData);
      try { resolve(JSON.parse(out.slice(0, nl)) as Record<string, number>); } catch (e) { reject(e); }
    };
    proc.child.stdout?.on('data', onData);
    proc.child.once('exit', () => reject(new Error(`hostile servers exited: ${proc.output()}`)));
  });
  return {
    port: (c) => {
      const p = ports[c.name];
      if (p === undefined) throw new Error(`no server for ${c.name}`);
      return p;
    },
    stop: () => proc.stop(),
  };
}

/** hostileSpec is the check of case `c` against its server, bounded by MAX_BYTES. */
export function hostileSpec(c: HostileCase, host: string, port: number, timeoutMs: number): CheckSpec {
  return makeSpec({
    service: c.service, protocol: c.protocol, realAddress: host, realPort: port, checkPort: port,
    maxBytes: MAX_BYTES, timeoutMs, ...c.over,
  });
}

/** Measured is what running something cost this process. */
export interface Measured<T> {
  readonly value: T;
  /** Peak RSS growth over the run, in MiB (sampled every 10 ms). */
  readonly rssGrowthMiB: number;
  /** Peak RSS during the run, in MiB. */
  readonly rssPeakMiB: number;
  /** Longest event-loop delay seen during the run (wall clock), in ms. */
  readonly maxLagMs: number;
  /** 99th percentile of the event-loop delay, in ms. */
  readonly p99LagMs: number;
  /**
   * Longest stretch the loop could not run a 10 ms timer while this process was busy, in ms:
   * each gap between two timer runs counts only the CPU time the process used in it. A gap where
   * the machine's scheduler ran other processes costs no CPU here and counts for little; a
   * gap where this process computed (a blocking parse, a GC stall) counts in full. It is the
   * lag figure a loaded shared machine cannot inflate.
   */
  readonly busyLagMs: number;
  readonly ms: number;
}

const MIB = 1024 * 1024;
const SAMPLE_MS = 10;

/** measure runs `fn` while sampling RSS, the event-loop delay and the CPU-busy loop gaps of this process. */
export async function measure<T>(fn: () => Promise<T>): Promise<Measured<T>> {
  const base = process.memoryUsage.rss();
  let peak = base;
  let busy = 0;
  let lastWall = performance.now();
  let lastCpu = process.cpuUsage();
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
    const wall = performance.now();
    const cpu = process.cpuUsage(lastCpu);
    busy = Math.max(busy, Math.min(wall - lastWall, (cpu.user + cpu.system) / 1000) - SAMPLE_MS);
    lastWall = wall;
    lastCpu = process.cpuUsage();
  }, SAMPLE_MS);
  const lag = monitorEventLoopDelay({ resolution: SAMPLE_MS });
  lag.enable();
  const t0 = performance.now();
  try {
    const value = await fn();
    peak = Math.max(peak, process.memoryUsage.rss());
    return {
      value, rssGrowthMiB: (peak - base) / MIB, rssPeakMiB: peak / MIB, maxLagMs: lag.max / 1e6,
      p99LagMs: lag.percentile(99) / 1e6, busyLagMs: Math.max(0, busy), ms: performance.now() - t0,
    };
  } finally {
    lag.disable();
    clearInterval(sampler);
  }
}

/** HealthySite is a real nginx answering the healthy checks. */
export interface HealthySite {
  readonly spec: CheckSpec;
  stop(): Promise<void>;
}

/** startHealthySite starts nginx with one small page and returns the http check that passes against it. */
export async function startHealthySite(host = HEALTHY_HOST): Promise<HealthySite> {
  const dir = makeTempDir('hostile-healthy');
  writeFileSync(dir.join('index.html'), 'healthy page\n');
  const port = await freePort(host);
  const nginx = await startNginx(dir, {
    http: `server { listen ${host}:${port}; root ${dir.join('')}; }`,
    ready: { host, port }, workerConnections: 8192,
  });
  return {
    // 30 s, the default negotiatetimeout: one nginx process on a loaded shared machine can be
    // starved for seconds, and that is not what a healthy check going down should mean here.
    spec: makeSpec({ service: 'http', realAddress: host, realPort: port, checkPort: port, request: '/index.html', receive: 'healthy', timeoutMs: 30_000 }),
    stop: async () => { await nginx.stop(); dir.remove(); },
  };
}

/**
 * HealthyLoad checks `n` reals (1,000 by default) through `site` as a director does: each one
 * every `intervalMs` (10 s by default, ldirectord's default checkinterval: 100 checks/s), spread
 * evenly over the interval, until stop(). Everything they report down is counted: a hostile real
 * must not hurt them.
 */
export class HealthyLoad {
  checks = 0;
  down = 0;
  firstDown: string | undefined;
  private readonly stopper = new AbortController();
  private loops: Array<Promise<void>> = [];

  constructor(private readonly site: HealthySite, private readonly n = 1000, private readonly intervalMs = 10_000) {}

  /** start launches the checks and resolves once every one has run once (steady state). */
  async start(): Promise<void> {
    this.loops = Array.from({ length: this.n }, (_, i) => this.loop(i));
    await sleep(this.intervalMs + 200);
  }

  async stop(): Promise<void> {
    this.stopper.abort();
    await Promise.all(this.loops);
  }

  private async loop(i: number): Promise<void> {
    const signal = this.stopper.signal;
    await sleep((i * this.intervalMs) / this.n);
    while (!signal.aborted) {
      const t0 = performance.now();
      const r = await runCheck(this.site.spec, signal);
      if (signal.aborted) break;
      this.checks++;
      if (!r.up) { this.down++; this.firstDown ??= r.message; }
      await sleep(Math.max(0, this.intervalMs - (performance.now() - t0)));
    }
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Beside is the outcome of one hostile case run beside the healthy load. */
export interface Beside {
  /** The hostile check's last result. */
  readonly hostile: CheckResult;
  readonly hostileRuns: number;
  /** Healthy checks completed during the window. */
  readonly healthyChecks: number;
}

/**
 * runBeside runs `hostile` again and again for at least `minMs` (once at least) while `load`
 * runs, measuring RSS and event-loop delay over that window only.
 */
export async function runBeside(load: HealthyLoad, hostile: CheckSpec, minMs = 1000): Promise<Measured<Beside>> {
  const counted = load.checks;
  const m = await measure(async () => {
    const t0 = performance.now();
    let last: CheckResult;
    let runs = 0;
    do {
      last = await runCheck(hostile, new AbortController().signal);
      runs++;
    } while (performance.now() - t0 < minMs);
    return { last, runs };
  });
  return { ...m, value: { hostile: m.value.last, hostileRuns: m.value.runs, healthyChecks: load.checks - counted } };
}
