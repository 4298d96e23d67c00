/**
 * Hostile real servers beside healthy ones: each case of test/checks/hostile/cases.ts runs (again
 * and again for --min-ms, at least once) while 1,000 healthy reals are checked (http, a real
 * nginx, each every --interval ms: 10 s by default), and this process's peak RSS growth and
 * event-loop delay over that window are recorded. Medians of --runs runs; a markdown table for
 * docs/reliability.md.
 * Run: npm run bench:hostile -- [--runs 3 --timeout 5000 --min-ms 1000 --healthy 1000
 *      --interval 10000 --cases http,smtp]
 */
import { CASES, ORACLE_CASE, type HostileCase } from '../test/checks/hostile/cases.js';
import {
  HOSTILE_HOST, HealthyLoad, hostileSpec, runBeside, startHealthySite, startHostileServers, type Beside, type Measured,
} from '../test/checks/hostile/harness.js';

const arg = (name: string, def: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] ?? def : def;
};
const RUNS = Number(arg('runs', '3'));
const TIMEOUT_MS = Number(arg('timeout', '5000'));
const MIN_MS = Number(arg('min-ms', '1000'));
const HEALTHY = Number(arg('healthy', '1000'));
/** Each healthy real is checked every --interval ms: 10 s is ldirectord's default checkinterval. */
const INTERVAL_MS = Number(arg('interval', '10000'));
const FILTER = arg('cases', '').split(',').filter((s) => s !== '');

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
};

const site = await startHealthySite();
const servers = await startHostileServers();
const load = new HealthyLoad(site, HEALTHY, INTERVAL_MS);
await load.start();
const rows: string[] = [];
try {
  const all = [...CASES, ORACLE_CASE];
  const cases: Array<HostileCase | undefined> = [undefined, ...all.filter((c) => FILTER.length === 0 || FILTER.some((f) => c.name.includes(f)))];
  for (const c of cases) {
    const spec = c ? hostileSpec(c, HOSTILE_HOST, servers.port(c), TIMEOUT_MS) : site.spec;
    const runs: Array<Measured<Beside>> = [];
    for (let i = 0; i < RUNS; i++) runs.push(await runBeside(load, spec, MIN_MS));
    const last = runs[runs.length - 1] as Measured<Beside>;
    const row = `| ${c?.name ?? 'none (healthy checks only)'} | ${last.value.hostile.up ? 'up' : 'down'}: ${last.value.hostile.message.slice(0, 48)} `
      + `| ${median(runs.map((r) => r.rssGrowthMiB)).toFixed(0)} | ${median(runs.map((r) => r.maxLagMs)).toFixed(0)} `
      + `| ${median(runs.map((r) => r.p99LagMs)).toFixed(0)} | ${median(runs.map((r) => r.busyLagMs)).toFixed(0)} | ${median(runs.map((r) => r.value.hostileRuns))} |`;
    rows.push(row);
    console.error(row, `(max lag runs: ${runs.map((r) => r.maxLagMs.toFixed(0)).join(', ')} ms; busy: ${runs.map((r) => r.busyLagMs.toFixed(0)).join(', ')} ms)`);
  }
} finally {
  await load.stop();
  await servers.stop();
  await site.stop();
}
console.log(`healthy: ${HEALTHY} reals checked every ${INTERVAL_MS} ms (http, nginx); hostile timeout ${TIMEOUT_MS} ms; window >= ${MIN_MS} ms; `
  + `median of ${RUNS}; healthy checks down over the whole run: ${load.down}`);
console.log('| hostile case | hostile result | RSS growth (MiB) | max event-loop lag (ms) | p99 lag (ms) | CPU-busy loop gap (ms) | hostile runs |');
console.log('|---|---|---:|---:|---:|---:|---:|');
for (const r of rows) console.log(r);
