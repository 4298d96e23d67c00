/**
 * The engine benchmark's guest half: runs INSIDE the kernel lab (bench/engine-lab.ts boots it) and
 * measures, one system at a time against the same nginx reals and the same IPVS table:
 *   (i)   start -> every real in the table (weight > 0),
 *   (iii) steady state: CPU seconds and RSS of the daemon's process tree, and the checks it ran
 *         (counted by nginx's access log, so every system is counted the same way),
 *   (ii)  a real starts failing (its page removed) -> its dest leaves the table.
 * The table is read with our netlink driver (about 1 ms per read in the lab; an ipvsadm process
 * costs 50-100 ms there). Prints one `RESULT {json}` line per system.
 * Env: BENCH_SERVICES, BENCH_REALS (per service), BENCH_SYSTEMS (ours,keepalived,perl),
 * BENCH_START_CAP_S, BENCH_PERL_START_CAP_S, BENCH_START_REPEATS, BENCH_SAMPLES, BENCH_STEADY_S,
 * BENCH_DETECT_CAP_S.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openIpvs, type IpvsHandle, type ServiceKey } from '../src/ipvs/index.js';
import { ldirectord, ldirectordBin } from '../test/e2e-support/cli.js';
import { clearTable } from '../test/e2e-support/ipvs-table.js';
import { startNginx, writeTestPage } from '../test/e2e-support/nginx.js';
import { sleep } from '../test/e2e-support/wait.js';
import { PAGE, renderKeepalivedConf, renderLdirectordCf, virtualsOf, type BenchVirtual } from './engine-lab-configs.js';
import { alive, countRequests, treePids, treeUsage } from './engine-lab-proc.js';
import { brief, StateReader, type GuestState } from './engine-lab-state.js';

const num = (k: string, d: number): number => (process.env[k] ? Number(process.env[k]) : d);
const SERVICES = num('BENCH_SERVICES', 10);
const REALS = num('BENCH_REALS', 20);
const SYSTEMS = (process.env.BENCH_SYSTEMS ?? 'ours,keepalived,perl').split(',');
const START_CAP_S = num('BENCH_START_CAP_S', 120);
const PERL_START_CAP_S = num('BENCH_PERL_START_CAP_S', 300);
const SAMPLES = num('BENCH_SAMPLES', 7);
const STEADY_S = num('BENCH_STEADY_S', 20);
const DETECT_CAP_S = num('BENCH_DETECT_CAP_S', 30);
/** checkinterval (ldirectord) = delay_loop (keepalived), seconds, the same for every system. */
const INTERVAL_S = num('BENCH_INTERVAL_S', 1);
const START_REPEATS = num('BENCH_START_REPEATS', 3);
/** Seconds between guest-state lines (0: none); the lines show what a start meets. */
const STATE_EVERY_S = num('BENCH_STATE_EVERY_S', 5);
/** Before each start, wait (up to this many seconds) until the guest's sockets are back to their baseline (0: do not wait). */
const SETTLE_CAP_S = num('BENCH_SETTLE_CAP_S', 30);
/** How long a stopped system's processes may live on before they are killed. */
const STOP_CAP_S = num('BENCH_STOP_CAP_S', 90);

const DIR = process.env.BENCH_DIR ?? '/tmp/engine-lab';
const vs = virtualsOf({ services: SERVICES, realsPerService: REALS });
const TOTAL = vs.length * REALS;
const keyOf = (v: BenchVirtual): ServiceKey => ({ family: 4, protocol: 'tcp', address: v.vip, port: v.port });
const rootOf = (real: string): string => join(DIR, 'www', real);
/**
 * The daemons' log files live on the guest's tmpfs (/var/log), as on a director's local disk, and
 * are copied into DIR after each system: DIR may be on hostfs (--dir /var/tmp/...), where each of
 * ldirectord's open-append-close per line costs host syscalls and would slow the daemon under test.
 */
const logOf = (system: string): string => `/var/log/engine-lab-${system}.log`;
const log = (s: string): void => console.log(`[${new Date().toISOString().slice(11, 23)}] ${s}`);
const state = new StateReader();
const logState = (what: string): GuestState => { const g = state.sample(); log(`STATE ${what}: ${brief(g)}`); return g; };

/** System is one daemon under test: how to start it, find its pids, stop it. */
interface System {
  readonly name: string;
  start(): Promise<void>;
  /** Pids of the daemon's process tree roots. */
  pids(): number[];
  stop(): Promise<void>;
  readonly startCapS: number;
  /** Detection samples and start repeats (a Perl original start takes minutes: one start only). */
  readonly samples: number;
  readonly startRepeats: number;
}

function pidFrom(file: string): number[] {
  try { const n = Number(readFileSync(file, 'utf8').trim()); return n > 0 ? [n] : []; } catch { return []; }
}

function ours(): System {
  const conf = join(DIR, 'ours');
  const env = { confDir: conf, pidDir: conf };
  return {
    name: 'ours', startCapS: START_CAP_S, samples: SAMPLES, startRepeats: START_REPEATS,
    async start() {
      mkdirSync(conf, { recursive: true });
      writeFileSync(join(conf, 'bench.cf'), renderLdirectordCf(vs, logOf('ours'), INTERVAL_S));
      const r = await ldirectord(['bench', 'start'], env);
      if (r.code !== 0) throw new Error(`our start failed (${r.code}): ${r.stdout}${r.stderr}`);
    },
    pids: () => pidFrom(join(conf, 'ldirectord.bench.pid')),
    async stop() { await ldirectord(['bench', 'stop'], env); },
  };
}

function perl(): System {
  const conf = join(DIR, 'perl');
  const cf = join(conf, 'bench.cf');
  const run = (action: string): Promise<number> => new Promise((resolve) => {
    const c = spawn('/usr/sbin/ldirectord', [cf, action], { stdio: 'ignore' });
    const t = setTimeout(() => c.kill('SIGKILL'), 120_000);
    c.on('close', (code) => { clearTimeout(t); resolve(code ?? 1); });
  });
  return {
    name: 'perl', startCapS: PERL_START_CAP_S, samples: SAMPLES, startRepeats: 1,
    async start() {
      mkdirSync(conf, { recursive: true });
      writeFileSync(cf, renderLdirectordCf(vs, logOf('perl'), INTERVAL_S));
      const code = await run('start');
      if (code !== 0) throw new Error(`/usr/sbin/ldirectord start exited ${code}`);
    },
    pids: () => pidFrom('/var/run/ldirectord.bench.cf.pid'),
    async stop() { await run('stop'); },
  };
}

function keepalived(): System {
  const conf = join(DIR, 'keepalived');
  let child: ChildProcess | undefined;
  return {
    name: 'keepalived', startCapS: START_CAP_S, samples: SAMPLES, startRepeats: START_REPEATS,
    async start() {
      mkdirSync(conf, { recursive: true });
      writeFileSync(join(conf, 'keepalived.conf'), renderKeepalivedConf(vs, INTERVAL_S));
      child = spawn('keepalived', ['-C', '-n', '-G', '-f', join(conf, 'keepalived.conf'),
        '-p', join(conf, 'keepalived.pid'), '-c', join(conf, 'checkers.pid')], { stdio: 'ignore' });
    },
    pids: () => (child?.pid ? [child.pid] : []),
    async stop() {
      if (!child || child.exitCode !== null) return;
      const done = new Promise((r) => child!.once('exit', r));
      child.kill('SIGTERM');
      const t = setTimeout(() => child?.kill('SIGKILL'), 30_000);
      await done;
      clearTimeout(t);
    },
  };
}

async function liveCount(h: IpvsHandle): Promise<number> {
  let n = 0;
  for (const v of vs) {
    const ds = await h.listDests(keyOf(v));
    for (const d of ds) if (d.weight > 0) n++;
  }
  return n;
}

async function hasDest(h: IpvsHandle, v: BenchVirtual, real: string): Promise<boolean> {
  return (await h.listDests(keyOf(v))).some((d) => d.address === real && d.weight > 0);
}

/** waitUntil polls `ok` every `everyMs` and returns the elapsed ms, or undefined past the cap. */
async function waitUntil(ok: () => Promise<boolean>, capMs: number, everyMs: number, t0 = performance.now()): Promise<number | undefined> {
  for (;;) {
    if (await ok()) return performance.now() - t0;
    if (performance.now() - t0 > capMs) return undefined;
    await sleep(everyMs);
  }
}

/**
 * stopFully stops a system and makes sure its whole process tree is gone before anything else
 * runs: a daemon that outlives its stop (ours missed its 60 s stop bound in a starved guest, and
 * keepalived's checker outlives a killed parent) keeps checking every real and loads every later
 * start, which is what made repeated starts in one guest slower and slower.
 */
async function stopFully(sys: System): Promise<{ ms: number; killed: number }> {
  const tree = treePids(sys.pids());
  const t0 = performance.now();
  await sys.stop();
  const gone = await waitUntil(() => Promise.resolve(alive(tree).length === 0), STOP_CAP_S * 1000, 200, t0);
  let killed = 0;
  if (gone === undefined) {
    for (const pid of alive(tree)) { try { process.kill(pid, 'SIGKILL'); killed++; } catch { /* gone */ } }
    await waitUntil(() => Promise.resolve(alive(tree).length === 0), 10_000, 100);
  }
  const ms = performance.now() - t0;
  log(`${sys.name}: stopped, ${tree.length} process(es) gone after ${(ms / 1000).toFixed(2)} s${killed ? ` (${killed} outlived the stop by ${STOP_CAP_S} s: killed)` : ''}`);
  return { ms, killed };
}

/** settle waits until the guest's TCP sockets are back to the baseline's (the last checks closed). */
async function settle(base: GuestState): Promise<void> {
  if (SETTLE_CAP_S <= 0) return;
  const ms = await waitUntil(() => Promise.resolve(state.sample().tcpInuse <= base.tcpInuse + 10), SETTLE_CAP_S * 1000, 200);
  if (ms === undefined) log(`settle: sockets not back to the baseline's within ${SETTLE_CAP_S} s`);
}

/** Run is what one system's starts, stops and steady window gave. */
interface Run {
  starts: (number | null)[];
  firsts: (number | null)[];
  commands: number[];
  stops: { ms: number; killed: number }[];
  reached: number;
}

/** startOnce starts a system from an empty table and a settled guest, and times the ramp. */
async function startOnce(sys: System, h: IpvsHandle, base: GuestState, run: Run, k: number): Promise<void> {
  await clearTable();
  await settle(base);
  logState(`${sys.name} before start ${k + 1}`);
  log(`${sys.name}: start ${k + 1}/${sys.startRepeats} (${vs.length} services x ${REALS} reals = ${TOTAL})`);
  const t0 = performance.now();
  await sys.start();
  const cmd = performance.now() - t0;
  run.commands.push(cmd);
  // The ramp (when the first real and half of them were in) tells start-up from the first round.
  let first: number | undefined;
  let half: number | undefined;
  const ms = await waitUntil(async () => {
    const n = await liveCount(h);
    if (n > 0) first ??= performance.now() - t0;
    if (n >= TOTAL / 2) half ??= performance.now() - t0;
    return n === TOTAL;
  }, sys.startCapS * 1000, 50, t0);
  run.reached = await liveCount(h);
  run.firsts.push(first ?? null);
  run.starts.push(ms ?? null);
  logState(`${sys.name} after start ${k + 1}`);
  const at = (x: number | undefined): string => (x === undefined ? '-' : `${(x / 1000).toFixed(2)} s`);
  log(`${sys.name}: all reals in after ${ms === undefined ? `> ${sys.startCapS} s (cap; ${run.reached}/${TOTAL} in)` : at(ms)} (command returned ${at(cmd)}, first real in ${at(first)}, half ${at(half)})`);
}

/** steadyAndDetect measures (iii) and (ii) on the running system, then stops it. */
async function steadyAndDetect(sys: System, h: IpvsHandle, run: Run): Promise<Record<string, unknown>> {
  // (iii) steady state, after a few rounds have passed.
  await sleep(3000);
  const pids = sys.pids();
  const u0 = treeUsage(pids);
  const w0 = Date.now() / 1000;
  await sleep(STEADY_S * 1000);
  const u1 = treeUsage(pids);
  const w1 = Date.now() / 1000;
  const checks = countRequests(join(DIR, 'nginx', 'access.log'), w0, w1);
  const cpuS = u1.cpuS - u0.cpuS;
  log(`${sys.name}: steady ${STEADY_S} s: cpu ${cpuS.toFixed(2)} s, rss ${(u1.rssKb / 1024).toFixed(1)} MiB, ${checks} checks (${u1.procs} processes)`);

  // (ii) detection: fail one real at a random phase of the check cycle, time until it leaves.
  const delays: (number | null)[] = [];
  for (let i = 0; i < sys.samples; i++) {
    const v = vs[i % vs.length]!;
    const real = v.reals[(i * 7) % v.reals.length]!;
    await sleep(Math.floor(Math.random() * 1000 * INTERVAL_S));
    if (!(await hasDest(h, v, real))) { log(`${sys.name}: ${real} not live before sample ${i}; skipped`); continue; }
    rmSync(join(rootOf(real), '.testpage'));
    const d = await waitUntil(async () => !(await hasDest(h, v, real)), DETECT_CAP_S * 1000, 10);
    delays.push(d === undefined ? null : d);
    log(`${sys.name}: sample ${i}: ${real} out after ${d === undefined ? `> ${DETECT_CAP_S} s (cap)` : `${(d / 1000).toFixed(3)} s`}`);
    writeTestPage(rootOf(real), PAGE);
    await waitUntil(() => hasDest(h, v, real), DETECT_CAP_S * 1000, 50);
  }
  run.stops.push(await stopFully(sys));
  await clearTable();
  if (existsSync(logOf(sys.name))) copyFileSync(logOf(sys.name), join(DIR, `${sys.name}.log`));
  return {
    system: sys.name, reals: TOTAL, services: vs.length,
    startMs: run.starts, firstMs: run.firsts, startCmdMs: run.commands, startCapS: sys.startCapS, reachedAtCap: run.reached,
    steadyS: w1 - w0, cpuS, rssKb: u1.rssKb, procs: u1.procs, checks,
    detectMs: delays, detectCapS: DETECT_CAP_S,
    stopMs: run.stops.map((x) => x.ms), stopKilled: run.stops.reduce((a, x) => a + x.killed, 0),
  };
}

/**
 * measureAll alternates the systems start by start (ours 1, keepalived 1, ours 2, ...), so a
 * change in the host's load falls on both; each system's last start is followed by its steady
 * window and detection samples. Every start begins from an empty table, with every earlier
 * system's processes gone and the guest's sockets back to the baseline's.
 */
async function measureAll(systems: readonly System[], h: IpvsHandle, base: GuestState): Promise<void> {
  const runs = new Map(systems.map((s) => [s, { starts: [], firsts: [], commands: [], stops: [], reached: 0 } as Run]));
  const failed = new Set<System>();
  const rounds = Math.max(...systems.map((s) => s.startRepeats));
  for (let k = 0; k < rounds; k++) {
    for (const sys of systems) {
      if (failed.has(sys) || k >= sys.startRepeats) continue;
      const run = runs.get(sys)!;
      try {
        await startOnce(sys, h, base, run, k);
        if (k === sys.startRepeats - 1) console.log(`RESULT ${JSON.stringify(await steadyAndDetect(sys, h, run))}`);
        else run.stops.push(await stopFully(sys));
      } catch (e) {
        log(`${sys.name}: FAILED: ${e instanceof Error ? e.message : String(e)}`);
        failed.add(sys);
        await stopFully(sys).catch(() => undefined);
        console.log(`RESULT ${JSON.stringify({ system: sys.name, error: String(e) })}`);
      }
    }
  }
}

async function main(): Promise<void> {
  rmSync(DIR, { recursive: true, force: true });
  mkdirSync(DIR, { recursive: true });
  for (const v of vs) for (const r of v.reals) writeTestPage(rootOf(r), PAGE);
  log(`nginx: ${TOTAL} sites; ours = ${ldirectordBin()}`);
  const nginx = await startNginx({
    dir: join(DIR, 'nginx'), accessLog: true,
    sites: vs.flatMap((v) => v.reals.map((r) => ({ address: r, port: 80, root: rootOf(r) }))),
  });
  const h = await openIpvs();
  log(`SYSCTL ${['ipv4/ip_local_port_range', 'ipv4/tcp_max_tw_buckets', 'ipv4/tcp_tw_reuse', 'ipv4/tcp_fin_timeout', 'core/somaxconn', 'ipv4/tcp_max_syn_backlog']
    .map((k) => `${k}=${readFileSync(`/proc/sys/net/${k}`, 'utf8').trim().replace(/\s+/g, '-')}`).join(' ')}`);
  const base = logState('baseline');
  const ticker = STATE_EVERY_S > 0 ? setInterval(() => logState('tick'), STATE_EVERY_S * 1000) : undefined;
  const make: Record<string, () => System> = { ours, keepalived, perl };
  try {
    await measureAll(SYSTEMS.map((name) => {
      const sys = make[name]?.();
      if (!sys) throw new Error(`unknown system ${name}`);
      return sys;
    }), h, base);
  } finally {
    clearInterval(ticker);
    await h.close();
    await nginx.stop();
    await clearTable().catch(() => undefined);
  }
}

await main();
