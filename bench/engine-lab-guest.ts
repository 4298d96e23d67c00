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
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openIpvs, type IpvsHandle, type ServiceKey } from '../src/ipvs/index.js';
import { ldirectord, ldirectordBin } from '../test/e2e-support/cli.js';
import { clearTable } from '../test/e2e-support/ipvs-table.js';
import { startNginx, writeTestPage } from '../test/e2e-support/nginx.js';
import { sleep } from '../test/e2e-support/wait.js';
import { PAGE, renderKeepalivedConf, renderLdirectordCf, virtualsOf, type BenchVirtual } from './engine-lab-configs.js';
import { countRequests, treeUsage } from './engine-lab-proc.js';

const num = (k: string, d: number): number => (process.env[k] ? Number(process.env[k]) : d);
const SERVICES = num('BENCH_SERVICES', 10);
const REALS = num('BENCH_REALS', 20);
const SYSTEMS = (process.env.BENCH_SYSTEMS ?? 'ours,keepalived,perl').split(',');
const START_CAP_S = num('BENCH_START_CAP_S', 120);
const PERL_START_CAP_S = num('BENCH_PERL_START_CAP_S', 300);
const SAMPLES = num('BENCH_SAMPLES', 7);
const STEADY_S = num('BENCH_STEADY_S', 20);
const DETECT_CAP_S = num('BENCH_DETECT_CAP_S', 30);
const START_REPEATS = num('BENCH_START_REPEATS', 3);

const DIR = process.env.BENCH_DIR ?? '/tmp/engine-lab';
const vs = virtualsOf({ services: SERVICES, realsPerService: REALS });
const TOTAL = vs.length * REALS;
const keyOf = (v: BenchVirtual): ServiceKey => ({ family: 4, protocol: 'tcp', address: v.vip, port: v.port });
const rootOf = (real: string): string => join(DIR, 'www', real);
const log = (s: string): void => console.log(`[${new Date().toISOString().slice(11, 23)}] ${s}`);

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
      writeFileSync(join(conf, 'bench.cf'), renderLdirectordCf(vs, join(conf, 'ldirectord.log')));
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
      writeFileSync(cf, renderLdirectordCf(vs, join(conf, 'ldirectord.log')));
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
      writeFileSync(join(conf, 'keepalived.conf'), renderKeepalivedConf(vs));
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

async function measure(sys: System, h: IpvsHandle): Promise<Record<string, unknown>> {
  const starts: (number | null)[] = [];
  const commands: number[] = [];
  let reached = 0;
  for (let k = 0; k < sys.startRepeats; k++) {
    if (k > 0) await sys.stop();
    await clearTable();
    log(`${sys.name}: start ${k + 1}/${sys.startRepeats} (${vs.length} services x ${REALS} reals = ${TOTAL})`);
    const t0 = performance.now();
    await sys.start();
    commands.push(performance.now() - t0);
    // The ramp (when the first real and half of them were in) tells start-up from the first round.
    let first: number | undefined;
    let half: number | undefined;
    const ms = await waitUntil(async () => {
      const n = await liveCount(h);
      if (n > 0) first ??= performance.now() - t0;
      if (n >= TOTAL / 2) half ??= performance.now() - t0;
      return n === TOTAL;
    }, sys.startCapS * 1000, 50, t0);
    reached = await liveCount(h);
    starts.push(ms ?? null);
    const at = (x: number | undefined): string => (x === undefined ? '-' : `${(x / 1000).toFixed(2)} s`);
    log(`${sys.name}: all reals in after ${ms === undefined ? `> ${sys.startCapS} s (cap; ${reached}/${TOTAL} in)` : at(ms)} (command returned ${at(commands[k])}, first real in ${at(first)}, half ${at(half)})`);
  }

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
    await sleep(Math.floor(Math.random() * 1000));
    if (!(await hasDest(h, v, real))) { log(`${sys.name}: ${real} not live before sample ${i}; skipped`); continue; }
    rmSync(join(rootOf(real), '.testpage'));
    const d = await waitUntil(async () => !(await hasDest(h, v, real)), DETECT_CAP_S * 1000, 10);
    delays.push(d === undefined ? null : d);
    log(`${sys.name}: sample ${i}: ${real} out after ${d === undefined ? `> ${DETECT_CAP_S} s (cap)` : `${(d / 1000).toFixed(3)} s`}`);
    writeTestPage(rootOf(real), PAGE);
    await waitUntil(() => hasDest(h, v, real), DETECT_CAP_S * 1000, 50);
  }
  await sys.stop();
  await clearTable();
  return {
    system: sys.name, reals: TOTAL, services: vs.length,
    startMs: starts, startCmdMs: commands, startCapS: sys.startCapS, reachedAtCap: reached,
    steadyS: w1 - w0, cpuS, rssKb: u1.rssKb, procs: u1.procs, checks,
    detectMs: delays, detectCapS: DETECT_CAP_S,
  };
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
  const make: Record<string, () => System> = { ours, keepalived, perl };
  try {
    for (const name of SYSTEMS) {
      const sys = make[name]?.();
      if (!sys) throw new Error(`unknown system ${name}`);
      try {
        console.log(`RESULT ${JSON.stringify(await measure(sys, h))}`);
      } catch (e) {
        log(`${name}: FAILED: ${e instanceof Error ? e.message : String(e)}`);
        await sys.stop().catch(() => undefined);
        console.log(`RESULT ${JSON.stringify({ system: name, error: String(e) })}`);
      }
    }
  } finally {
    await h.close();
    await nginx.stop();
    await clearTable().catch(() => undefined);
  }
}

await main();
