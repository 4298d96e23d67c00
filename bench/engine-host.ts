// Host benchmark of the director engine: N virtuals x M reals, http negotiate, checkinterval=1,
// the in-memory IPVS double and a fast fake check (no network), on the real clock.
// Measures: sustained check rate, p99 lag between a check's due time and its start, detection
// delay (a real starts failing -> its delDest reaches IPVS), RSS.
//   node dist/bench/engine-host.js [--virtuals 1000] [--reals 10] [--seconds 30] [--failures 100] [--http]
// --http: real http negotiate checks (src/checks/run.ts) against a node http server in a child
// process on 0.0.0.0:18080; reals are 127.1.x.y, and a failing real gets a 500 from the server.
import { loadavg } from 'node:os';
import { spawn, type ChildProcess } from 'node:child_process';
import { createDirector } from '../src/director/index.js';
import { MemoryIpvs } from '../src/ipvs/memory.js';
import { systemClock } from '../src/util/clock.js';
import { nullLogger } from '../src/util/log.js';
import type { Config } from '../src/config/model.js';
import { syntheticConfig, tenNet } from './synthetic-config.js';
import type { CheckFn, CheckResult } from '../src/checks/types.js';
import type { IpvsOp, OpResult } from '../src/ipvs/types.js';

function arg(name: string, def: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
}
const NV = arg('virtuals', 1000), NR = arg('reals', 10), SECONDS = arg('seconds', 30), FAILURES = arg('failures', 100);
const HTTP = process.argv.includes('--http');
const addrOf = (n: number): string => HTTP ? `127.${1 + ((n >> 16) & 255)}.${(n >> 8) & 255}.${n & 255}` : tenNet(n);

const buildConfig = (): Config => syntheticConfig({ virtuals: NV, realsPerVirtual: NR, quiescent: false, port: HTTP ? 18080 : 80, addressOf: addrOf });

// Timestamps each applied op, so detection delay = op time - failure time.
class TimedIpvs extends MemoryIpvs {
  readonly opTimes = new Map<string, number>();
  override async apply(ops: readonly IpvsOp[]): Promise<OpResult[]> {
    const res = await super.apply(ops);
    const t = performance.now();
    for (const op of ops) if (op.op === 'delDest') this.opTimes.set(op.dest.address, t);
    return res;
  }
}

const failing = new Map<string, number>();
const up: CheckResult = { up: true, message: '200 OK', durationMs: 0 };
const down: CheckResult = { up: false, message: '500 Internal Server Error', durationMs: 0 };
// A fast fake check: answers on the next macrotask, as a loopback HTTP answer would at best.
const check: CheckFn = (spec) => new Promise((resolve) => setImmediate(() => resolve(failing.has(spec.realAddress) ? down : up)));

function pct(a: number[], p: number): number {
  if (a.length === 0) return NaN;
  const s = [...a].sort((x, y) => x - y);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

const SERVER = `
  const failing = new Set();
  process.on('message', (a) => failing.add(a));
  const srv = require('node:http').createServer((req, res) => {
    const bad = failing.has(req.socket.localAddress);
    res.writeHead(bad ? 500 : 200, { 'content-type': 'text/plain', connection: 'close' });
    res.end(bad ? 'fail' : 'ok');
  });
  srv.keepAliveTimeout = 1000;
  srv.listen(18080, '0.0.0.0', () => process.send('ready'));
`;
let server: ChildProcess | undefined;

async function main(): Promise<void> {
  const cfg = buildConfig();
  let runCheck: CheckFn = check;
  if (HTTP) {
    server = spawn(process.execPath, ['-e', SERVER], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    await new Promise<void>((resolve) => server!.once('message', () => resolve()));
    runCheck = (await import('../src/checks/run.js')).runCheck;
  }
  const ipvs = new TimedIpvs();
  // Lag histogram in 0.1 ms buckets up to 10 s: recording 10k samples/s must not itself allocate.
  const hist = new Uint32Array(100_001);
  let lagCount = 0;
  let measuring = false;
  const record = (lag: number): void => { hist[Math.min(100_000, Math.max(0, Math.round(lag * 10)))]!++; lagCount++; };
  const histPct = (p: number): number => {
    const want = Math.ceil((p / 100) * lagCount);
    let acc = 0;
    for (let i = 0; i < hist.length; i++) { acc += hist[i]!; if (acc >= want) return i / 10; }
    return NaN;
  };
  const d = createDirector(cfg, {
    ipvs, clock: systemClock(), logger: nullLogger, runCheck, hostname: 'bench',
    sendMail: async () => {}, exec: async () => 0,
    options: { driftIntervalMs: 0, onCheckStart: (lag) => { if (measuring) record(lag); } },
  });
  const t0 = performance.now();
  await d.start();
  // Warm-up: let the jittered first round finish (every real added).
  await new Promise((r) => setTimeout(r, 2500));
  const warm = d.status();
  const added = (await ipvs.listServices()).length;
  measuring = true;
  const c0 = warm.counters.checksRun;
  const m0 = performance.now();
  // Inject failures spread over the run: a random real starts failing at a random time.
  const victims: string[] = [];
  const step = (SECONDS * 1000 - 3000) / FAILURES;
  for (let i = 0; i < FAILURES; i++) {
    const n = Math.floor(Math.random() * NV * NR);
    const addr = addrOf(n);
    if (victims.includes(addr)) continue;
    victims.push(addr);
    setTimeout(() => { failing.set(addr, performance.now()); server?.send(addr); }, 500 + i * step);
  }
  let rssMax = 0;
  let heapMax = 0;
  const rssTimer = setInterval(() => {
    const m = process.memoryUsage();
    rssMax = Math.max(rssMax, m.rss);
    heapMax = Math.max(heapMax, m.heapUsed);
  }, 250);
  await new Promise((r) => setTimeout(r, SECONDS * 1000));
  measuring = false;
  clearInterval(rssTimer);
  const m1 = performance.now();
  const st = d.status();
  const rate = (st.counters.checksRun - c0) / ((m1 - m0) / 1000);
  const detect = victims.filter((a) => failing.has(a) && ipvs.opTimes.has(a)).map((a) => ipvs.opTimes.get(a)! - failing.get(a)!);
  const undetected = victims.filter((a) => failing.has(a) && !ipvs.opTimes.has(a)).length;
  await d.stop();
  server?.kill();
  const out = {
    mode: HTTP ? 'http (real checks, node server in a child process)' : 'fake check (setImmediate)',
    reals: NV * NR, virtuals: NV, services: added, checkinterval_s: 1, seconds: SECONDS, startup_ms: Math.round(m0 - t0),
    checks_per_s: Math.round(rate), lag_p50_ms: histPct(50), lag_p99_ms: histPct(99), lag_max_ms: histPct(100), load_avg_1m: +loadavg()[0]!.toFixed(1),
    detection_n: detect.length, undetected, detection_p50_ms: Math.round(pct(detect, 50)), detection_p99_ms: Math.round(pct(detect, 99)), detection_max_ms: Math.round(pct(detect, 100)),
    ipvs_writes: st.counters.ipvsWrites, rss_max_mb: Math.round(rssMax / 1048576), heap_used_max_mb: Math.round(heapMax / 1048576), node: process.version,
  };
  console.log(JSON.stringify(out, null, 1));
}

void main();
