/**
 * Config fuzz benchmark (issue 15): loads >= 1,000,000 generated and mutated configs (the same
 * arbitraries as test/config/fuzz.test.ts) and checks each outcome: no exception, every
 * diagnostic with file:line. Reports configs/s, and the median, p99 and max time of one load.
 * Run: npm run build && node dist/bench/config-fuzz.js [--configs 1000000] [--seed 1]
 * Exit 1 on the first bad outcome, printing the config.
 */
import fc from 'fast-check';
import { cpus, loadavg } from 'node:os';
import { configArb, problemOf, seedFiles } from '../test/config/fuzz-arb.js';
import { load } from '../test/config/helpers.js';

const arg = (name: string, def: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] ?? def : def;
};
const TOTAL = Number(arg('configs', '1000000'));
const SEED = Number(arg('seed', '1'));
const CHUNK = 10_000;

const arb = configArb(seedFiles(process.cwd()));
const times = new Float64Array(TOTAL);
let bytes = 0;
let rejected = 0;
const t0 = performance.now();
for (let done = 0, chunk = 0; done < TOTAL; chunk++) {
  const batch = fc.sample(arb, { numRuns: Math.min(CHUNK, TOTAL - done), seed: SEED * 1_000_003 + chunk });
  for (const text of batch) {
    const s = performance.now();
    const problem = await problemOf(text, async (t) => {
      const r = await load(t);
      if (!r.ok) rejected++;
      return r;
    });
    times[done] = performance.now() - s;
    if (problem !== undefined) {
      console.error(`config ${done} (seed ${SEED}, chunk ${chunk}): ${problem}\ninput: ${JSON.stringify(text)}`);
      process.exit(1);
    }
    bytes += text.length;
    done++;
  }
}
const elapsed = (performance.now() - t0) / 1000;
const sorted = Float64Array.from(times).sort();
const q = (p: number): number => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
console.log(JSON.stringify({
  configs: TOTAL, seed: SEED, rejected, avgChars: Math.round(bytes / TOTAL), seconds: Number(elapsed.toFixed(1)),
  configsPerSec: Math.round(TOTAL / elapsed), p50ms: Number(q(0.5).toFixed(3)), p99ms: Number(q(0.99).toFixed(3)),
  maxMs: Number(sorted[sorted.length - 1]!.toFixed(1)), cpus: cpus().length, loadavg: loadavg().map((l) => Number(l.toFixed(1))),
}));
