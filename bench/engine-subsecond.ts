/**
 * Sub-second check intervals at scale, on the host: the director (src/director) with real http
 * negotiate checks (src/checks/run.ts) every `--interval` seconds against nginx in ANOTHER network
 * namespace, over a veth pair, and the in-memory IPVS table (the host has no ip_vs).
 *   client netns  (this script, re-run inside it)  192.168.77.1 --veth-- 192.168.77.2  server netns
 *   reals 10.200.x.y:80, all local to the server netns (`ip route add local 10.200.0.0/16 dev lo`),
 *   one nginx serving `root <dir>/www/$server_addr`: removing a real's index.html fails its check.
 * Measures, after a warm-up: check rate against the due rate, lag from due time to start (p50,
 * p99, max), detection (index.html removed -> delDest applied) against interval + 0.2 s, the CPU
 * per check, and how long the bench waited for a CPU while runnable (a starved host shows there).
 *   node dist/bench/engine-subsecond.js [--virtuals 20] [--reals 100] [--interval 0.2]
 *                                       [--seconds 20] [--failures 40] [--workers 1]
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { createDirector } from '../src/director/index.js';
import { MemoryIpvs } from '../src/ipvs/memory.js';
import type { IpvsOp, OpResult } from '../src/ipvs/types.js';
import { systemClock } from '../src/util/clock.js';
import { nullLogger } from '../src/util/log.js';
import { waitForPort } from '../test/e2e-support/wait.js';
import { syntheticConfig } from './synthetic-config.js';

const argv = process.argv.slice(2);
const opt = (name: string, def: number): number => { const i = argv.indexOf(`--${name}`); return i >= 0 ? Number(argv[i + 1]) : def; };
const NV = opt('virtuals', 20), NR = opt('reals', 100), INTERVAL = opt('interval', 0.2);
const SECONDS = opt('seconds', 20), FAILURES = opt('failures', 40), WORKERS = opt('workers', 1);
const INSIDE = 'LD_BENCH_CLIENT_NS';
const SERVER_NS = process.env.LD_BENCH_SERVER_NS ?? '';
const DIR = process.env.LD_BENCH_DIR ?? '';
const addrOf = (n: number): string => `10.200.${(n >> 8) & 255}.${n & 255}`;
const ip = (...a: string[]): void => { const r = spawnSync('ip', a, { stdio: 'inherit' }); if (r.status !== 0) throw new Error(`ip ${a.join(' ')} failed`); };

// Timestamps each delDest, so detection = op time - failure time.
class TimedIpvs extends MemoryIpvs {
  readonly delAt = new Map<string, number>();
  override async apply(ops: readonly IpvsOp[]): Promise<OpResult[]> {
    const res = await super.apply(ops);
    const t = performance.now();
    for (const op of ops) if (op.op === 'delDest' && !this.delAt.has(op.dest.address)) this.delAt.set(op.dest.address, t);
    return res;
  }
}

function pct(a: readonly number[], p: number): number {
  if (a.length === 0) return NaN;
  const s = [...a].sort((x, y) => x - y);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
}

/**
 * runQueueWaitMs: how long this process's main thread has waited for a CPU while runnable
 * (/proc/thread-self/schedstat, field 2): tells a starved bench from a slow engine.
 */
function runQueueWaitMs(): number {
  return Number(readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[1]) / 1e6;
}

function startNginx(): ChildProcess {
  const conf = join(DIR, 'nginx.conf');
  writeFileSync(conf, [
    'user root;', `worker_processes ${WORKERS};`, 'worker_rlimit_nofile 65536;', 'daemon off;',
    `pid ${DIR}/nginx.pid;`, `error_log ${DIR}/error.log crit;`, 'events { worker_connections 16384; }',
    'http {', '  access_log off;', '  keepalive_timeout 0;', '  default_type text/plain;',
    `  client_body_temp_path ${DIR}/body; proxy_temp_path ${DIR}/proxy; fastcgi_temp_path ${DIR}/fcgi; uwsgi_temp_path ${DIR}/uwsgi; scgi_temp_path ${DIR}/scgi;`,
    `  server { listen 80 default_server; root ${DIR}/www/$server_addr; location / { } }`, '}', '',
  ].join('\n'));
  return spawn('ip', ['netns', 'exec', SERVER_NS, 'nginx', '-p', DIR, '-e', join(DIR, 'error.log'), '-c', conf], { stdio: 'ignore' });
}

async function inside(): Promise<void> {
  const total = NV * NR;
  for (let n = 0; n < total; n++) {
    mkdirSync(join(DIR, 'www', addrOf(n)), { recursive: true });
    writeFileSync(join(DIR, 'www', addrOf(n), 'index.html'), 'ok\n');
  }
  const nginx = startNginx();
  await waitForPort(addrOf(0), 80, 10_000);
  const cfg = syntheticConfig({ virtuals: NV, realsPerVirtual: NR, quiescent: false, port: 80, addressOf: addrOf, checkinterval: INTERVAL });
  const ipvs = new TimedIpvs();
  const lags: number[] = [];
  let measuring = false;
  const { runCheck } = await import('../src/checks/run.js');
  const d = createDirector(cfg, {
    ipvs, clock: systemClock(), logger: nullLogger, runCheck, hostname: 'bench', sendMail: async () => {}, exec: async () => 0,
    options: { driftIntervalMs: 0, onCheckStart: (lag) => { if (measuring) lags.push(lag); } },
  });
  const t0 = performance.now();
  await d.start();
  // Warm-up: the first round (spread at 1,000 checks/s) and a few intervals after it.
  await new Promise((r) => setTimeout(r, total + 3000));
  const live = (await ipvs.listServices()).length;
  measuring = true;
  const c0 = d.status().counters.checksRun;
  const cpu0 = process.cpuUsage();
  const wait0 = runQueueWaitMs();
  const m0 = performance.now();
  const failedAt = new Map<string, number>();
  const step = (SECONDS * 1000 - 2000) / FAILURES;
  const victims = new Set<string>();
  while (victims.size < Math.min(FAILURES, total)) victims.add(addrOf(Math.floor(Math.random() * total)));
  [...victims].forEach((a, i) => setTimeout(() => {
    rmSync(join(DIR, 'www', a, 'index.html'));
    failedAt.set(a, performance.now());
  }, 500 + i * step + Math.random() * 200));
  await new Promise((r) => setTimeout(r, SECONDS * 1000));
  measuring = false;
  const m1 = performance.now();
  const cpu = process.cpuUsage(cpu0);
  const waited = runQueueWaitMs() - wait0;
  const checks = d.status().counters.checksRun - c0;
  const detect = [...failedAt].filter(([a]) => ipvs.delAt.has(a)).map(([a, t]) => ipvs.delAt.get(a)! - t);
  const missed = [...failedAt.keys()].filter((a) => !ipvs.delAt.has(a)).length;
  await d.stop();
  nginx.kill();
  const out = {
    reals: total, virtuals: NV, services_in_table: live, interval_s: INTERVAL, seconds: SECONDS, startup_ms: Math.round(m0 - t0),
    checks_per_s: Math.round(checks / ((m1 - m0) / 1000)), due_per_s: Math.round(total / INTERVAL),
    cpu_ms_per_check: +(((cpu.user + cpu.system) / 1000) / checks).toFixed(3),
    lag_p50_ms: +pct(lags, 50).toFixed(1), lag_p99_ms: +pct(lags, 99).toFixed(1), lag_max_ms: +pct(lags, 100).toFixed(1),
    detection_n: detect.length, missed, detection_p50_ms: Math.round(pct(detect, 50)), detection_p99_ms: Math.round(pct(detect, 99)),
    detection_max_ms: Math.round(pct(detect, 100)), target_ms: Math.round(INTERVAL * 1000 + 200),
    cpu_share_of_core: +(((cpu.user + cpu.system) / 1000) / (m1 - m0)).toFixed(2),
    runqueue_wait_ms_per_s: Math.round(waited / ((m1 - m0) / 1000)),
    rss_mb: Math.round(process.memoryUsage().rss / 1048576), load_avg_1m: +loadavg()[0]!.toFixed(1), node: process.version,
  };
  console.log(JSON.stringify(out));
}

if (process.env[INSIDE]) {
  await inside();
} else {
  // Two namespaces joined by a veth pair; the server side owns 10.200.0.0/16 (AnyIP on lo).
  const tag = process.pid;
  const cns = `ld-cli-${tag}`, sns = `ld-srv-${tag}`, dir = `/tmp/engine-subsecond-${tag}`;
  mkdirSync(dir, { recursive: true });
  try {
    ip('netns', 'add', cns);
    ip('netns', 'add', sns);
    ip('link', 'add', `ldc${tag}`, 'netns', cns, 'type', 'veth', 'peer', 'name', `lds${tag}`, 'netns', sns);
    ip('-n', cns, 'addr', 'add', '192.168.77.1/30', 'dev', `ldc${tag}`);
    ip('-n', sns, 'addr', 'add', '192.168.77.2/30', 'dev', `lds${tag}`);
    for (const [ns, dev] of [[cns, `ldc${tag}`], [sns, `lds${tag}`]] as const) {
      ip('-n', ns, 'link', 'set', 'lo', 'up');
      ip('-n', ns, 'link', 'set', dev, 'up');
    }
    ip('-n', cns, 'route', 'add', '10.200.0.0/16', 'via', '192.168.77.2');
    ip('-n', sns, 'route', 'add', 'local', '10.200.0.0/16', 'dev', 'lo');
    const r = spawnSync('ip', ['netns', 'exec', cns, process.execPath, ...process.execArgv, process.argv[1]!, ...argv], {
      stdio: 'inherit', env: { ...process.env, [INSIDE]: '1', LD_BENCH_SERVER_NS: sns, LD_BENCH_DIR: dir },
    });
    process.exitCode = r.status ?? 1;
  } finally {
    spawnSync('ip', ['netns', 'del', cns]);
    spawnSync('ip', ['netns', 'del', sns]);
    rmSync(dir, { recursive: true, force: true });
  }
}
