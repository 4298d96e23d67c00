/**
 * Host benchmark of the daemon's memory and CPU per check: the shipped `bin/ldirectord <cf> start`
 * (the detached daemon) checking nginx reals in the layout and with the ldirectord.cf of the
 * kernel-lab engine benchmark (bench/engine-lab-configs.ts). The host has no ip_vs, so it runs with
 * LDIRECTORD_ENGINE=memory (the real director, checks and daemon over the in-memory IPVS table).
 * keepalived's checker cannot run here (it exits when IPVS cannot be initialised): compare RSS
 * with keepalived in the lab (bench/engine-lab.ts).
 * Everything runs inside a network namespace the bench creates, so the 127.x reals on port 80
 * belong to nobody else.
 * Per system and repeat: start, wait `--settle` s, then over `--steady` s the CPU seconds and the
 * RSS of the process tree (max of 1 s samples) and the checks counted by nginx's access log.
 *   node dist/bench/daemon-rss.js [--services 10] [--reals 20]
 *                                 [--node-flags 'none|default|--max-semi-space-size=1|default MALLOC_ARENA_MAX=2']
 *   (a variant's NAME=value words are environment variables of the daemon, the rest node flags)
 *                                 [--repeats 3] [--settle 5] [--steady 20] [--json out.json]
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ldirectord } from '../test/e2e-support/cli.js';
import { startNginx, writeTestPage } from '../test/e2e-support/nginx.js';
import { sleep } from '../test/e2e-support/wait.js';
import { PAGE, renderLdirectordCf, virtualsOf } from './engine-lab-configs.js';
import { countRequests, treeUsage } from './engine-lab-proc.js';

const argv = process.argv.slice(2);
const opt = (name: string, def: string): string => { const i = argv.indexOf(`--${name}`); return i >= 0 ? argv[i + 1]! : def; };
const SERVICES = Number(opt('services', '10'));
const REALS = Number(opt('reals', '20'));
// Variants of the daemon's V8 flags (LDIRECTORD_NODE_FLAGS), separated by '|': each repeat runs
// every variant in turn, so they share the same host load. 'default' = the shipped flags
// (src/cli/daemon-flags.ts), 'none' = no flags (V8's defaults).
const VARIANTS = opt('node-flags', 'default').split('|').map((v) => v.trim());
const REPEATS = Number(opt('repeats', '3'));
const SETTLE_S = Number(opt('settle', '5'));
const STEADY_S = Number(opt('steady', '20'));
const JSON_OUT = opt('json', '');
const INSIDE = 'LD_BENCH_IN_NETNS';

const DIR = `/tmp/daemon-rss-${process.pid}`;
const vs = virtualsOf({ services: SERVICES, realsPerService: REALS });
const log = (s: string): void => console.log(`[${new Date().toISOString().slice(11, 23)}] ${s}`);

interface System { readonly name: string; start(): Promise<number[]>; stop(): Promise<void> }

/**
 * variantEnv: a variant is node flags for LDIRECTORD_NODE_FLAGS ('none' = no flags, 'default' =
 * the shipped ones), plus any NAME=value words, which go into the daemon's environment instead
 * (MALLOC_ARENA_MAX=2, UV_THREADPOOL_SIZE=1: read by glibc and libuv, not by node's flag parser).
 */
export function variantEnv(variant: string): Record<string, string> {
  const words = variant.split(/\s+/).filter((w) => w !== '');
  const envWords = words.filter((w) => /^[A-Z_][A-Z0-9_]*=/.test(w));
  const flags = words.filter((w) => !envWords.includes(w));
  const env: Record<string, string> = Object.fromEntries(envWords.map((w) => [w.slice(0, w.indexOf('=')), w.slice(w.indexOf('=') + 1)]));
  if (flags.length === 1 && flags[0] === 'default') return env;
  return { ...env, LDIRECTORD_NODE_FLAGS: flags.length === 1 && flags[0] === 'none' ? '' : flags.join(' ') };
}

function ours(variant: string): System {
  const conf = join(DIR, 'ours');
  const env = { confDir: conf, pidDir: conf, extra: { LDIRECTORD_ENGINE: 'memory', ...variantEnv(variant) } };
  return {
    name: VARIANTS.length > 1 || variant !== 'default' ? `ours ${variant}` : 'ours',
    async start() {
      mkdirSync(conf, { recursive: true });
      writeFileSync(join(conf, 'bench.cf'), renderLdirectordCf(vs, join(conf, 'ldirectord.log')));
      const r = await ldirectord(['bench', 'start'], env);
      if (r.code !== 0) throw new Error(`our start failed (${r.code}): ${r.stdout}${r.stderr}`);
      return [Number(readFileSync(join(conf, 'ldirectord.bench.pid'), 'utf8').trim())];
    },
    async stop() { await ldirectord(['bench', 'stop'], env); },
  };
}

/** anonFile splits a process's RSS: file-backed pages (the node binary) are shared by every node process. */
function anonFile(pid: number): { anonMiB: number; fileMiB: number } {
  const st = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (k: string): number => Number(new RegExp(`^${k}:\\s+(\\d+) kB`, 'm').exec(st)?.[1] ?? 0);
  return { anonMiB: +(kb('RssAnon') / 1024).toFixed(1), fileMiB: +(kb('RssFile') / 1024).toFixed(1) };
}

async function measure(sys: System, access: string): Promise<Record<string, unknown>> {
  const pids = await sys.start();
  try {
    await sleep(SETTLE_S * 1000);
    const u0 = treeUsage(pids);
    const w0 = Date.now() / 1000;
    let rssMax = u0.rssKb;
    for (let i = 0; i < STEADY_S; i++) {
      await sleep(1000);
      rssMax = Math.max(rssMax, treeUsage(pids).rssKb);
    }
    const u1 = treeUsage(pids);
    const w1 = Date.now() / 1000;
    // nginx flushes its log buffer every second: wait for the window's last lines.
    await sleep(1500);
    const checks = countRequests(access, w0, w1);
    const cpuS = u1.cpuS - u0.cpuS;
    const out = {
      system: sys.name, reals: vs.length * REALS, steadyS: +(w1 - w0).toFixed(1), cpuS: +cpuS.toFixed(2), checks,
      cpuMsPerCheck: +((cpuS * 1000) / checks).toFixed(3), ...anonFile(pids[0]!), rssEndMiB: +(u1.rssKb / 1024).toFixed(1), rssMaxMiB: +(rssMax / 1024).toFixed(1), procs: u1.procs,
    };
    log(`${sys.name}: ${JSON.stringify(out)}`);
    return out;
  } finally {
    await sys.stop();
  }
}

const median = (a: number[]): number => { const s = [...a].sort((x, y) => x - y); return s[Math.floor(s.length / 2)]!; };

async function inside(): Promise<void> {
  spawnSync('ip', ['link', 'set', 'lo', 'up']);
  rmSync(DIR, { recursive: true, force: true });
  mkdirSync(DIR, { recursive: true });
  const rootOf = (real: string): string => join(DIR, 'www', real);
  for (const v of vs) for (const r of v.reals) writeTestPage(rootOf(r), PAGE);
  const nginx = await startNginx({
    dir: join(DIR, 'nginx'), accessLog: true,
    sites: vs.flatMap((v) => v.reals.map((r) => ({ address: r, port: 80, root: rootOf(r) }))),
  });
  const systems: (() => System)[] = VARIANTS.map((v) => () => ours(v));
  const results: Record<string, unknown>[] = [];
  try {
    for (let k = 0; k < REPEATS; k++) {
      for (const make of systems) {
        const sys = make();
        try { results.push(await measure(sys, join(DIR, 'nginx', 'access.log'))); } catch (e) {
          log(`${sys.name}: FAILED: ${e instanceof Error ? e.message : String(e)}`);
          results.push({ system: sys.name, error: String(e) });
        }
      }
    }
  } finally {
    await nginx.stop();
  }
  for (const name of [...new Set(results.map((r) => r.system as string))]) {
    const rs = results.filter((r) => r.system === name && r.error === undefined);
    if (rs.length === 0) continue;
    const m = (k: string): number => median(rs.map((r) => r[k] as number));
    console.log(`MEDIAN ${name} (n=${rs.length}): rss max ${m('rssMaxMiB')} MiB, rss end ${m('rssEndMiB')} MiB (anon ${m('anonMiB')}, file ${m('fileMiB')}), cpu ms/check ${m('cpuMsPerCheck')}, checks/s ${(m('checks') / STEADY_S).toFixed(0)}`);
  }
  if (JSON_OUT) writeFileSync(JSON_OUT, JSON.stringify(results, null, 1));
  rmSync(DIR, { recursive: true, force: true });
}

// Re-run this script inside a fresh network namespace (its own loopback), then remove it.
if (process.env[INSIDE]) {
  await inside();
} else {
  const ns = `ld-rss-${process.pid}`;
  spawnSync('ip', ['netns', 'add', ns], { stdio: 'inherit' });
  try {
    const r = spawnSync('ip', ['netns', 'exec', ns, process.execPath, ...process.execArgv, process.argv[1]!, ...argv], {
      stdio: 'inherit', env: { ...process.env, [INSIDE]: '1' },
    });
    process.exitCode = r.status ?? 1;
  } finally {
    spawnSync('ip', ['netns', 'del', ns], { stdio: 'inherit' });
  }
}
