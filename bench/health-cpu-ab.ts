// CPU per check before and after issue 11, in one process: the director of an older build
// (--base <its dist dir>) and this build's take turns, a few seconds each, so the load of a
// shared machine falls on both alike. 1,000 virtuals x 10 reals, fake check, view and metrics
// unused (no scrape, no observer), as in health-bench.ts.
//
//   git archive <commit> | tar -x -C /tmp/base && ln -s $PWD/node_modules /tmp/base/ && (cd /tmp/base && npx tsc -p .)
//   node dist/bench/health-cpu-ab.js --base /tmp/base/dist [--turns 14] [--warmup 4] [--seconds 3]
// The first --warmup turn pairs are dropped (each build's code is still being optimised then).
import { resolve } from 'node:path';
import { loadavg } from 'node:os';
import { pathToFileURL } from 'node:url';
import type { createDirector as CreateDirector } from '../src/director/index.js';
import { MemoryIpvs } from '../src/ipvs/memory.js';
import { systemClock } from '../src/util/clock.js';
import { nullLogger } from '../src/util/log.js';
import type { Config } from '../src/config/model.js';
import { syntheticConfig } from './synthetic-config.js';
import type { CheckFn, CheckResult } from '../src/checks/types.js';

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : def;
}
const BASE = arg('base', '');
const TURNS = Number(arg('turns', '14')), SECONDS = Number(arg('seconds', '3')), WARMUP = Number(arg('warmup', '4'));

const buildConfig = (): Config => syntheticConfig({ virtuals: 1000, realsPerVirtual: 10, quiescent: true });

const up: CheckResult = { up: true, message: '200 OK', durationMs: 0.4 };
const down: CheckResult = { up: false, message: '500 Internal Server Error', durationMs: 0.4 };
const check: CheckFn = (spec) => new Promise((res) => setImmediate(() => res(spec.realAddress.endsWith('0') ? down : up)));
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const median = (a: number[]): number => { const s = [...a].sort((x, y) => x - y); return s[Math.floor(s.length / 2)]!; };

async function turn(create: typeof CreateDirector): Promise<number> {
  const d = create(buildConfig(), {
    ipvs: new MemoryIpvs(), clock: systemClock(), logger: nullLogger, runCheck: check, hostname: 'bench',
    sendMail: async () => {}, exec: async () => 0, options: { driftIntervalMs: 0, firstDelayMs: 0 },
  });
  await d.start();
  await sleep(1500);
  const c0 = d.status().counters.checksRun;
  const u0 = process.cpuUsage();
  await sleep(SECONDS * 1000);
  const u = process.cpuUsage(u0);
  const n = d.status().counters.checksRun - c0;
  await d.stop();
  return (u.user + u.system) / n;
}

async function main(): Promise<void> {
  if (!BASE) throw new Error('--base <dist dir of the older build> is required');
  const base = (await import(pathToFileURL(resolve(BASE, 'src/director/index.js')).href) as { createDirector: typeof CreateDirector }).createDirector;
  const mine = (await import('../src/director/index.js')).createDirector;
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < TURNS; i++) {
    // Alternate which goes first, so neither always follows the other's garbage.
    if (i % 2 === 0) { a.push(await turn(base)); b.push(await turn(mine)); } else { b.push(await turn(mine)); a.push(await turn(base)); }
  }
  a.splice(0, WARMUP);
  b.splice(0, WARMUP);
  console.log(JSON.stringify({
    reals: 10000, turns: TURNS, warmup_dropped: WARMUP, seconds_per_turn: SECONDS, load_avg_1m: +loadavg()[0]!.toFixed(1),
    base_cpu_us_per_check: +median(a).toFixed(2), this_cpu_us_per_check: +median(b).toFixed(2),
    ratio: +(median(b) / median(a)).toFixed(3), base_runs: a.map((x) => +x.toFixed(1)), this_runs: b.map((x) => +x.toFixed(1)), node: process.version,
  }));
}

void main();
