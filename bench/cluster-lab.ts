/**
 * The cluster benchmark: our ldirectord and Debian's Perl original under the real heartbeat v1 and
 * Pacemaker, in the SAME kernel lab guest (bench/cluster-lab-guest.ts does the measuring).
 * Prints every figure as it comes, then one markdown table of medians.
 *   node dist/bench/cluster-lab.js [--rounds 3] [--step-cap 600] [--timeout 5400] [--json out.json]
 * Not part of the test suite: minutes per round.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ensurePackage } from '../test/lab/deb-package.js';
import { runInLab } from '../test/lab/lab.js';
import { median, snapshot } from './engine-lab.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : def;
}

/** Result is one RESULT line from the guest (s null: the step did not happen within the cap). */
export interface Result {
  manager: string;
  impl: 'ours' | 'perl';
  round: number;
  step: string;
  s: number | null;
  error?: string;
}

/** parseResults picks the RESULT lines out of the guest's output (pure). */
export function parseResults(output: string): Result[] {
  return output.split('\n').filter((l) => l.startsWith('RESULT ')).map((l) => JSON.parse(l.slice(7)) as Result);
}

/** table renders one row per (manager, step): medians and the samples of ours and the Perl original (pure). */
export function table(rs: readonly Result[]): string {
  const keys = [...new Set(rs.map((r) => `${r.manager}\t${r.step}`))];
  const cell = (k: string, impl: string): string => {
    const xs = rs.filter((r) => `${r.manager}\t${r.step}` === k && r.impl === impl).map((r) => r.s);
    if (xs.length === 0) return 'n/a';
    const m = median(xs);
    const failed = xs.filter((x) => x === null).length;
    return `${m === null ? 'did not happen' : m.toFixed(1)} (${xs.map((x) => (x === null ? 'x' : x.toFixed(1))).join(', ')})${failed ? `, ${failed} failed` : ''}`;
  };
  return [
    '| manager | step | ours, s: median (runs) | Perl original, s: median (runs) |',
    '|---|---|---|---|',
    ...keys.map((k) => { const [m, s] = k.split('\t'); return `| ${m} | ${s} | ${cell(k, 'ours')} | ${cell(k, 'perl')} |`; }),
  ].join('\n');
}

async function main(): Promise<number> {
  const deb = ensurePackage(root);
  const snap = snapshot('cluster-lab-snap-');
  const env = { LDIRECTORD_DEB: deb, BENCH_ROUNDS: arg('rounds', '3'), BENCH_STEP_CAP_S: arg('step-cap', '600') };
  console.log(`cluster-lab: booting the kernel lab (${JSON.stringify(env)}; built tree copied to ${snap})`);
  const r = await runInLab({
    script: 'exec node dist/bench/cluster-lab-guest.js\n',
    timeoutMs: Number(arg('timeout', '5400')) * 1000, cwd: snap, memMb: 1024, env,
    onOutput: (s) => process.stdout.write(s),
  }).finally(() => rmSync(snap, { recursive: true, force: true }));
  const results = parseResults(r.output);
  const out = arg('json', '');
  if (out) writeFileSync(out, JSON.stringify({ env, durationMs: r.durationMs, results }, null, 2));
  console.log(`\ncluster-lab: guest exit ${r.code} after ${(r.durationMs / 1000).toFixed(0)} s\n`);
  for (const e of results.filter((x) => x.error)) console.log(`${e.impl} ${e.manager} round ${e.round} "${e.step}": ${e.error}`);
  console.log(table(results));
  return r.code;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.exitCode = await main();
}
