/**
 * The engine benchmark, side by side in the kernel lab: our ldirectord, Debian's Perl ldirectord
 * and keepalived, each against the same nginx reals and the same IPVS kernel (one guest boot,
 * one system at a time; bench/engine-lab-guest.ts does the measuring). Prints one markdown table.
 *   node dist/bench/engine-lab.js [--services 10] [--reals 20] [--systems ours,keepalived,perl]
 *     [--perl-cap 300] [--samples 7] [--steady 20] [--repeats 3] [--json out.json]
 *     [--interval 1] [--settle 30] [--state-every 5] [--dir /tmp/engine-lab]
 * Starts alternate between systems; each begins from an empty table, with every earlier system's
 * processes gone (waited for, killed after 90 s) and the guest's sockets back to the baseline.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runInLab } from '../test/lab/lab.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : def;
}

/** Result is one RESULT line from the guest. */
interface Result {
  system: string;
  error?: string;
  reals: number;
  services: number;
  startMs: (number | null)[];
  /** When the start command returned (the daemon is up; checks may still be running). */
  startCmdMs?: number[];
  /** When the first real was in the table (null: none by the cap). */
  firstMs?: (number | null)[];
  /** Each stop until the system's whole process tree was gone, and how many processes had to be killed. */
  stopMs?: number[];
  stopKilled?: number;
  startCapS: number;
  reachedAtCap: number;
  steadyS: number;
  cpuS: number;
  rssKb: number;
  procs: number;
  checks: number;
  detectMs: (number | null)[];
  detectCapS: number;
}

/** median of the known values; a capped (null) sample counts as +infinity. */
export function median(xs: readonly (number | null)[]): number | null {
  if (xs.length === 0) return null;
  const s = xs.map((x) => x ?? Infinity).sort((a, b) => a - b);
  const m = s[Math.floor((s.length - 1) / 2)]!;
  return Number.isFinite(m) ? m : null;
}

const secs = (ms: number | null, capS: number): string => (ms === null ? `> ${capS} (cap)` : (ms / 1000).toFixed(2));

/** table renders the results as one markdown table (pure). */
export function table(rs: readonly Result[]): string {
  const ok = rs.filter((r) => !r.error);
  const perl = ok.find((r) => r.system === 'perl');
  const kaV = ok.find((r) => r.system === 'keepalived');
  const names: Record<string, string> = { ours: 'ldirectord (Node.js, ours)', keepalived: 'keepalived 2.2.7', perl: 'ldirectord (Perl, Debian)' };
  const head = `| | ${ok.map((r) => names[r.system] ?? r.system).join(' | ')} |`;
  const sep = `|---|${ok.map(() => '---:').join('|')}|`;
  const row = (label: string, f: (r: Result) => string): string => `| ${label} | ${ok.map(f).join(' | ')} |`;
  const startMed = (r: Result): number | null => median(r.startMs);
  const perlStart = perl ? startMed(perl) : undefined;
  const perPerl = (r: Result): string => {
    if (!perl) return 'n/a';
    if (r === perl) return '1';
    const mine = startMed(r);
    if (mine === null) return 'n/a';
    return perlStart === null ? `> ${(perl.startCapS * 1000 / mine).toFixed(0)}x` : `${(perlStart! / mine).toFixed(0)}x`;
  };
  const cpuPerCheck = (r: Result): number | null => (r.checks > 0 ? (r.cpuS * 1000) / r.checks : null);
  const ka = kaV ? cpuPerCheck(kaV) : null;
  const det = (r: Result): string => {
    const known = r.detectMs.filter((x): x is number => x !== null);
    const capped = r.detectMs.length - known.length;
    const m = median(r.detectMs);
    const range = known.length ? ` (${(Math.min(...known) / 1000).toFixed(2)}-${(Math.max(...known) / 1000).toFixed(2)})` : '';
    return `${secs(m, r.detectCapS)}${range}, n=${r.detectMs.length}${capped ? `, ${capped} capped` : ''}`;
  };
  return [
    head, sep,
    row(`(i) start -> all ${ok[0]?.reals ?? '?'} reals in the table, s (median, n)`, (r) => `${secs(startMed(r), r.startCapS)}, n=${r.startMs.length}`),
    row('(i) Perl original\'s time / this system\'s', perPerl),
    row('(i) starts, s', (r) => r.startMs.map((x) => secs(x, r.startCapS)).join(', ')),
    row('(i) of which: the start command returned, s (median)', (r) => { const m = median(r.startCmdMs ?? []); return m === null ? 'n/a' : (m / 1000).toFixed(2); }),
    row('(i) first real in, s (median)', (r) => secs(median(r.firstMs ?? []), r.startCapS)),
    row('stop -> all processes gone, s (max); killed', (r) => `${((Math.max(0, ...(r.stopMs ?? [])) / 1000)).toFixed(2)}; ${r.stopKilled ?? 0}`),
    row('(ii) failure -> dest removed, s (median (min-max))', det),
    row(`(iii) CPU s in ${ok[0]?.steadyS.toFixed(0) ?? '?'} s steady state`, (r) => r.cpuS.toFixed(2)),
    row('(iii) checks run in that window (nginx log)', (r) => String(r.checks)),
    row('(iii) CPU ms per check', (r) => cpuPerCheck(r)?.toFixed(2) ?? 'n/a'),
    row('(iii) CPU per check vs keepalived', (r) => { const c = cpuPerCheck(r); return c !== null && ka ? `${(c / ka).toFixed(2)}x` : 'n/a'; }),
    row('(iii) RSS MiB (processes)', (r) => `${(r.rssKb / 1024).toFixed(1)} (${r.procs})`),
  ].join('\n');
}

/**
 * snapshot copies the built tree (dist, bin, package.json; node_modules linked) aside, so a
 * rebuild of the checkout during a run of many minutes cannot swap files under the guest.
 */
export function snapshot(prefix = 'engine-lab-snap-'): string {
  const dir = mkdtempSync(`/var/tmp/${prefix}`);
  for (const p of ['dist', 'bin', 'package.json']) cpSync(join(root, p), join(dir, p), { recursive: true, preserveTimestamps: true });
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
  return dir;
}

async function main(): Promise<number> {
  const env: Record<string, string> = {
    BENCH_SERVICES: arg('services', '10'), BENCH_REALS: arg('reals', '20'),
    BENCH_SYSTEMS: arg('systems', 'ours,keepalived,perl'), BENCH_PERL_START_CAP_S: arg('perl-cap', '300'),
    BENCH_SAMPLES: arg('samples', '7'), BENCH_STEADY_S: arg('steady', '20'), BENCH_START_REPEATS: arg('repeats', '3'),
    BENCH_DETECT_CAP_S: arg('detect-cap', '30'),
    // --interval: checkinterval (ours, Perl) and delay_loop (keepalived), seconds, the same for all.
    BENCH_INTERVAL_S: arg('interval', '1'),
    // --state-every: seconds between guest-state lines (sockets, TIME_WAIT, IPVS conns, CPU, processes).
    BENCH_STATE_EVERY_S: arg('state-every', '5'),
    // --settle: before each start, wait up to this many seconds for the guest's baseline state.
    BENCH_SETTLE_CAP_S: arg('settle', '0'),
    // --dir: the guest's working tree (configs, logs, nginx); a /var/tmp path keeps it on the host after the run.
    BENCH_DIR: arg('dir', '/tmp/engine-lab'),
  };
  const snap = snapshot();
  console.log(`engine-lab: booting the kernel lab (${JSON.stringify(env)}; built tree copied to ${snap})`);
  // The host's load goes with every figure (other guests share its two cores).
  const hostLoad = (): void => console.log(`[host] loadavg ${readFileSync('/proc/loadavg', 'utf8').trim()} at ${new Date().toISOString().slice(11, 19)}`);
  hostLoad();
  const loadTimer = setInterval(hostLoad, 30_000);
  const r = await runInLab({
    script: 'exec node dist/bench/engine-lab-guest.js\n',
    timeoutMs: Number(arg('timeout', '2400')) * 1000, cwd: snap, memMb: 1536, env,
    onOutput: (s) => process.stdout.write(s),
  }).finally(() => { clearInterval(loadTimer); rmSync(snap, { recursive: true, force: true }); });
  const results = r.output.split('\n').filter((l) => l.startsWith('RESULT ')).map((l) => JSON.parse(l.slice(7)) as Result);
  const out = arg('json', '');
  if (out) writeFileSync(out, JSON.stringify({ env, durationMs: r.durationMs, results }, null, 2));
  console.log(`\nengine-lab: guest exit ${r.code} after ${(r.durationMs / 1000).toFixed(0)} s\n`);
  for (const e of results.filter((x) => x.error)) console.log(`${e.system}: ERROR ${e.error}`);
  console.log(table(results));
  return r.code;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.exitCode = await main();
}
