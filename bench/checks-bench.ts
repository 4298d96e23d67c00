/**
 * Health-check benchmark: connect and http checks (new connection per check, through runCheck)
 * against loopback servers - nginx for http, a tiny Node server process for connect - at 1,000
 * and 10,000 targets (distinct 127.0.5.x address/port pairs).
 *   saturate: every target is re-checked as soon as its previous check ends (N in flight).
 *   paced:    the N targets are checked at a fixed total rate (default 10,000/s), spread evenly,
 *             as a scheduler would; this is where latency (p99) is meaningful.
 * Reports checks/s, CPU microseconds per check of this (checker) process, p50/p99 latency and
 * the server's CPU and the host's load average (the figures are only as good as the machine is idle).
 * Run: npm run bench:checks  [-- --seconds 5 --targets 1000,10000 --rates 1000,10000 --kinds connect,http]
 * --kinds floor-http / node-http / undici-http add reference rows (bare socket, node:http, undici),
 * which are not checks.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { request as httpRequest } from 'node:http';
import { connect as netConnect } from 'node:net';
import { runCheck } from '../src/checks/run.js';
import type { CheckResult, FullCheckSpec } from '../src/checks/types.js';

/** BenchCheck runs one of the bench's specs (every option set, as the test harness builds them). */
type BenchCheck = (spec: FullCheckSpec, signal: AbortSignal) => Promise<CheckResult>;
import { fetchOnce } from '../src/checks/lib/http-fetch.js';
import type { HttpSpec } from '../src/checks/lib/http-get.js';
import { Client as UndiciClient } from 'undici';
import { freePorts, makeTempDir, makeSpec, startNginx, type ServerProcess, type TempDir } from '../test/harness/index.js';

const arg = (name: string, def: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] ?? def : def;
};
const SECONDS = Number(arg('seconds', '5'));
const TARGETS = arg('targets', '1000,10000').split(',').map(Number);
const RATES = arg('rates', '1000,10000').split(',').map(Number);
const KINDS = arg('kinds', 'connect,http').split(',');
/** Listeners per server process: the fd hard limit here is 20,000 per process. */
const PER_SERVER = 5000;
const ADDRESSES = 100;

type Target = [string, number];

async function makeTargets(n: number): Promise<Target[]> {
  const hosts = Array.from({ length: Math.min(ADDRESSES, n) }, (_, i) => `127.0.5.${100 + i}`);
  const perHost = Math.ceil(n / hosts.length);
  // a port free on the first address is almost surely free on the others of the range
  const ports = await freePorts(hosts[0] as string, perHost);
  const out: Target[] = [];
  for (const p of ports) for (const h of hosts) if (out.length < n) out.push([h, p]);
  return out;
}

function chunks<T>(a: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < a.length; i += size) out.push(a.slice(i, i + size));
  return out;
}

interface Server { pids: number[]; stop(): Promise<void> }

async function startNginxes(targets: Target[]): Promise<Server> {
  const parts: Array<{ dir: TempDir; proc: ServerProcess }> = [];
  for (const group of chunks(targets, PER_SERVER)) {
    const dir = makeTempDir('bench-nginx');
    const listens = group.map(([h, p]) => `listen ${h}:${p} backlog=4096;`).join('\n    ');
    const [h0, p0] = group[0] as Target;
    const proc = await startNginx(dir, {
      workerConnections: 19000,
      ready: { host: h0, port: p0 },
      http: `server {\n    ${listens}\n    location = /.testpage { return 200 "Test Page\\n"; }\n  }`,
    });
    parts.push({ dir, proc });
  }
  return {
    pids: parts.map((p) => p.proc.pid),
    async stop() { for (const p of parts) { await p.proc.stop(); p.dir.remove(); } },
  };
}

async function startNodeServers(targets: Target[]): Promise<Server> {
  const script = fileURLToPath(new URL('./checks-tcp-server.js', import.meta.url));
  const children: ChildProcess[] = [];
  for (const group of chunks(targets, PER_SERVER)) {
    const child = spawn(process.execPath, [script, JSON.stringify(group)], { stdio: ['ignore', 'pipe', 'inherit'] });
    children.push(child);
    await new Promise<void>((resolve, reject) => {
      child.stdout?.once('data', () => resolve());
      child.once('exit', (c) => reject(new Error(`tcp server exited ${c}`)));
    });
  }
  return {
    pids: children.map((c) => c.pid ?? 0),
    async stop() { for (const c of children) { c.kill('SIGTERM'); await new Promise((r) => c.once('exit', r)); } },
  };
}

/** cpuTicksOf reads utime+stime of a pid in seconds (Linux /proc). */
function cpuSecondsOf(pids: number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    ticks += Number(f[11]) + Number(f[12]);
  }
  return ticks / 100;
}

/**
 * rawHttpGet is NOT a check: the reference floor for 'http' - the same GET with Connection:
 * close on a bare net.Socket (no timeout, no parsing beyond a substring test). It shows how much
 * of an http check's cost is the kernel's and how much the HTTP client's (kind floor-http).
 */
function rawHttpGet(spec: HttpSpec): Promise<CheckResult> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    const s = netConnect(spec.checkPort, spec.realAddress);
    let body = '';
    const done = (up: boolean, message: string): void => { s.destroy(); resolve({ up, message, durationMs: performance.now() - t0 }); };
    s.once('connect', () => s.write(`GET ${spec.request} HTTP/1.1\r\nHost: ${spec.realAddress}\r\nConnection: close\r\n\r\n`));
    s.on('data', (d: Buffer) => { body += d.toString('latin1'); });
    s.once('end', () => done(body.includes(spec.receive), '-'));
    s.once('error', (e: NodeJS.ErrnoException) => done(false, e.code ?? 'error'));
  });
}

/**
 * nodeHttpGet is NOT a check either: the same GET through node:http with `agent: false` (a new
 * connection per request), to compare the platform's HTTP client with undici (kind node-http).
 */
function nodeHttpGet(spec: HttpSpec): Promise<CheckResult> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    const req = httpRequest({ host: spec.realAddress, port: spec.checkPort, path: spec.request, agent: false, headers: { connection: 'close' } }, (res) => {
      let body = '';
      res.setEncoding('latin1');
      res.on('data', (d: string) => { body += d; });
      res.on('end', () => resolve({ up: res.statusCode === 200 && body.includes(spec.receive), message: '-', durationMs: performance.now() - t0 }));
    });
    req.on('error', (e: NodeJS.ErrnoException) => resolve({ up: false, message: e.code ?? 'error', durationMs: performance.now() - t0 }));
    req.end();
  });
}

/**
 * undiciHttpGet is NOT a check: the same GET through undici (a new Client per check, the
 * handler API, keepAlive off), i.e. what the http check ran before it moved to its own wire
 * client (src/checks/lib/http-wire.ts); kept to compare the two side by side (kind undici-http).
 */
async function undiciHttpGet(spec: HttpSpec): Promise<CheckResult> {
  const t0 = performance.now();
  const url = new URL(`http://${spec.realAddress}:${spec.checkPort}${spec.request}`);
  const client = new UndiciClient(url.origin, { pipelining: 1, connect: { keepAlive: false } });
  try {
    const r = await fetchOnce(client, url, 'GET', spec.realAddress, new AbortController().signal, spec.maxBytes);
    return { up: r.statusCode === 200 && r.body.toString('latin1').includes(spec.receive), message: '-', durationMs: performance.now() - t0 };
  } catch (e) {
    return { up: false, message: (e as NodeJS.ErrnoException).code ?? 'error', durationMs: performance.now() - t0 };
  }
}

interface Figures { checks: number; failed: number; seconds: number; cpuUs: number; lat: number[]; serverCpu: number; firstError?: string }

function percentile(sorted: number[], p: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] as number : NaN;
}

async function measure(specs: FullCheckSpec[], pids: number[], mode: 'saturate' | 'paced', rate: number, check: BenchCheck): Promise<Figures> {
  const lat: number[] = [];
  let checks = 0;
  let failed = 0;
  let firstError: string | undefined;
  const record = (r: { up: boolean; message: string; durationMs: number }): void => {
    checks++;
    lat.push(r.durationMs);
    if (!r.up) { failed++; firstError ??= r.message; }
  };
  const signal = new AbortController().signal;
  const cpu0 = process.cpuUsage();
  const srv0 = cpuSecondsOf(pids);
  const t0 = performance.now();
  const end = t0 + SECONDS * 1000;
  if (mode === 'saturate') {
    await Promise.all(specs.map(async (s) => {
      while (performance.now() < end) record(await check(s, signal));
    }));
  } else {
    const busy = new Uint8Array(specs.length);
    let started = 0;
    let next = 0;
    let inflight = 0;
    await new Promise<void>((resolve) => {
      const tick = (): void => {
        const now = performance.now();
        if (now >= end) { clearInterval(timer); const wait = (): void => { if (inflight === 0) resolve(); else setTimeout(wait, 5); }; wait(); return; }
        const due = Math.floor(((now - t0) / 1000) * rate);
        while (started < due) {
          started++;
          const i = next;
          next = (next + 1) % specs.length;
          if (busy[i]) { failed++; firstError ??= 'target still in flight (skipped)'; continue; }
          busy[i] = 1;
          inflight++;
          void check(specs[i] as FullCheckSpec, signal).then((r) => { busy[i] = 0; inflight--; record(r); });
        }
      };
      const timer = setInterval(tick, 1);
    });
  }
  const seconds = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(cpu0);
  return { checks, failed, seconds, cpuUs: (c.user + c.system) / Math.max(1, checks), lat: lat.sort((a, b) => a - b), serverCpu: cpuSecondsOf(pids) - srv0, firstError };
}

async function main(): Promise<void> {
  console.log(`# checks benchmark: node ${process.version}, ${SECONDS}s per row, ${cpus().length} CPUs, load average at start ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  console.log('| check | targets | mode | checks/s | checker CPU us/check | checker CPU % of a core | p50 ms | p99 ms | failed/skipped | server CPU % | load 1m |');
  console.log('|---|---|---|---|---|---|---|---|---|---|---|');
  for (const kind of KINDS) {
    for (const n of TARGETS) {
      const targets = await makeTargets(n);
      const http = kind === 'http' || kind === 'floor-http' || kind === 'node-http' || kind === 'undici-http';
      const check: BenchCheck = kind === 'floor-http' ? (s) => rawHttpGet(s)
        : kind === 'node-http' ? (s) => nodeHttpGet(s) : kind === 'undici-http' ? (s) => undiciHttpGet(s) : runCheck;
      const server = http ? await startNginxes(targets) : await startNodeServers(targets);
      try {
        const specs = targets.map(([h, p]) => makeSpec(http
          ? { kind: 'negotiate', service: 'http', realAddress: h, checkPort: p, request: '/.testpage', receive: 'Test Page', timeoutMs: 5000 }
          : { kind: 'connect', realAddress: h, checkPort: p, timeoutMs: 5000 }));
        // warm-up: one check per target, not measured
        await Promise.all(specs.map((s) => check(s, new AbortController().signal)));
        const modes: Array<['saturate' | 'paced', number]> = [['saturate', 0], ...RATES.map((r): ['paced', number] => ['paced', r])];
        for (const [mode, target] of modes) {
          const f = await measure(specs, server.pids, mode, target, check);
          const rate = f.checks / f.seconds;
          console.log(`| ${kind} | ${n} | ${mode}${mode === 'paced' ? ` ${target}/s` : ''} | ${rate.toFixed(0)} | ${f.cpuUs.toFixed(0)} | ${((f.cpuUs * rate) / 1e4).toFixed(0)} | ${percentile(f.lat, 0.5).toFixed(2)} | ${percentile(f.lat, 0.99).toFixed(2)} | ${f.failed}${f.firstError ? ` (${f.firstError})` : ''} | ${((f.serverCpu / f.seconds) * 100).toFixed(0)} | ${loadavg()[0]?.toFixed(1)} |`);
        }
      } finally {
        await server.stop();
      }
    }
  }
}

await main();
