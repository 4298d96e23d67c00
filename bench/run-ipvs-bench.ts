/**
 * run-ipvs-bench boots the kernel lab and runs bench/ipvs-bench.js inside it (the host kernel has
 * no IPVS). Reproduce: npx tsc -p tsconfig.json && node dist/bench/run-ipvs-bench.js
 * RUNS=5 sets the repetitions, ONLY=dump runs only the dump; the markdown table goes to stdout, progress to stderr.
 */
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { labUnavailableReason, runInLab } from '../test/lab/lab.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const why = labUnavailableReason();
if (why) {
  console.error(`ipvs bench: kernel lab unavailable: ${why}`);
  process.exit(1);
}
const load = () => loadavg().map((x) => x.toFixed(1)).join(' ');
console.error(`ipvs bench: host load average before: ${load()} (${cpus().length} CPUs)`);
const r = await runInLab({
  script: 'exec node dist/bench/ipvs-bench.js\n',
  cwd: root,
  timeoutMs: Number(process.env.LAB_TIMEOUT_MS ?? 60 * 60_000),
  memMb: 1536,
  env: { RUNS: process.env.RUNS ?? '3', ONLY: process.env.ONLY ?? '' },
  onOutput: (s) => process.stdout.write(s),
});
console.error(`ipvs bench: host load average after: ${load()}`);
console.error(`ipvs bench: guest exit ${r.code} after ${(r.durationMs / 1000).toFixed(1)} s`);
if (r.code >= 124) console.error(r.console.slice(-4000));
process.exit(r.code);
