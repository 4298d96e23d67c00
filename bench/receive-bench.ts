/**
 * Issue 16: what each way of matching `receive` costs, for docs/reliability.md ("## Receive
 * patterns"). Every option runs in a fresh node process (so load cost is honest and V8 flags can
 * differ), 3 times; the table shows medians.
 *
 * Options: V8's backtracking RegExp (the engine before), V8's linear fallback flag, V8's
 * experimental linear engine forced, RE2 (`re2`, the choice), a worker thread running V8 with a
 * deadline, a required-literal pre-check in front of V8, and Perl 5 (the original's engine).
 * re2js and re2-wasm are measured too when their packages can be loaded from RECEIVE_BENCH_EXTRA
 * (a node_modules folder; they are not dependencies of the project).
 *
 * Run: npm run build && node dist/bench/receive-bench.js [--runs 3]   (and --re2-limits: RE2's own worst cases)
 */
import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { monitorEventLoopDelay } from 'node:perf_hooks';

const KIB = 1024;
const SIZES = [64 * KIB, 1024 * KIB];
/** No child gets more than this per option and run; what it had not measured by then is "> cap". */
const CHILD_CAP_MS = 60_000;
const PATTERN = 'Test.*Page';
const SIMPLE = 'Test Page';
/** A normal page: 16 KiB of HTML with "Test Page" near its end. */
const PAGE = `<html><head><title>x</title></head><body>${'<p>lorem ipsum dolor sit amet, consectetur</p>\n'.repeat(340)}<h1>Test Page</h1></body></html>\n`;
const hostile = (n: number): string => 'Test'.repeat(n / 4);
/** The body that defeats the literal pre-check: the required "Page" comes first. */
const hostileWithLiteral = (n: number): string => 'Page' + 'Test'.repeat(n / 4 - 1);

type Test = (text: string) => boolean;
interface Engine { compile(source: string): Test }

const OPTIONS = ['v8', 'v8-fallback', 'v8-linear', 're2', 'worker', 'literal', 're2js', 're2-wasm', 'perl'] as const;
type Option = typeof OPTIONS[number];
const V8_FLAGS: Partial<Record<Option, string[]>> = {
  'v8-fallback': ['--enable-experimental-regexp-engine-on-excessive-backtracks'],
  'v8-linear': ['--enable-experimental-regexp-engine'],
};

/** requiredLiterals are the literal runs of a pattern made of literals and `.*` only (a sketch of Perl's check). */
function requiredLiterals(source: string): string[] {
  if (!/^[\w ]*(\.\*[\w ]*)*$/.test(source)) return [];
  return source.split('.*').filter((s) => s !== '');
}

async function loadEngine(opt: Option): Promise<Engine | undefined> {
  const extra = process.env.RECEIVE_BENCH_EXTRA;
  switch (opt) {
    case 'v8': case 'v8-fallback': return { compile: (s) => { const r = new RegExp(s); return (t) => r.test(t); } };
    case 'v8-linear': return { compile: (s) => { const r = new RegExp(s, 'l' as string); return (t) => r.test(t); } };
    case 'literal': return {
      compile: (s) => {
        const r = new RegExp(s);
        const lits = requiredLiterals(s);
        return (t) => lits.every((l) => t.includes(l)) && r.test(t);
      },
    };
    case 're2': {
      const RE2 = (await import('re2')).default;
      return { compile: (s) => { const r = new RE2(s); return (t) => r.test(t); } };
    }
    case 're2js': {
      if (!extra) return undefined;
      const { RE2JS } = createRequire(join(extra, 'x.js'))('re2js') as { RE2JS: { compile(s: string): { matches(t: string): boolean; matcher(t: string): { find(): boolean } } } };
      return { compile: (s) => { const r = RE2JS.compile(s); return (t) => r.matcher(t).find(); } };
    }
    case 're2-wasm': {
      if (!extra) return undefined;
      const { RE2 } = createRequire(join(extra, 'x.js'))('re2-wasm') as { RE2: new (s: string, f: string) => { test(t: string): boolean } };
      return { compile: (s) => { const r = new RE2(s, 'u'); return (t) => r.test(t); } };
    }
    default: return undefined;
  }
}

const emit = (metric: string, value: number | string): void => { process.stdout.write(`${JSON.stringify({ metric, value })}\n`); };

function medianOf(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}

/** perItemUs runs fn up to n times (at most ~200 ms) per batch and returns microseconds per call (median of 5 batches). */
function perItemUs(n: number, fn: () => void): number {
  const batches: number[] = [];
  for (let b = 0; b < 5; b++) {
    const t = performance.now();
    let i = 0;
    while (i < n && (i < 3 || performance.now() - t < 200)) { fn(); i++; }
    batches.push(((performance.now() - t) * 1000) / i);
  }
  return medianOf(batches);
}

/** cpuPerItemUs is CPU time (user + system) per call of fn, over up to n calls (at most ~1 s). */
function cpuPerItemUs(n: number, fn: () => void): number {
  const c = process.cpuUsage();
  const t = performance.now();
  let i = 0;
  while (i < n && (i < 3 || performance.now() - t < 1000)) { fn(); i++; }
  const d = process.cpuUsage(c);
  return (d.user + d.system) / i;
}

async function childInline(opt: Option): Promise<void> {
  const t0 = performance.now();
  const engine = await loadEngine(opt);
  if (!engine) { emit('skipped', 'not loadable'); return; }
  emit('load_ms', performance.now() - t0);
  emit('compile_us', perItemUs(500, () => engine.compile(SIMPLE)));
  const simple = engine.compile(SIMPLE);
  if (!simple(PAGE)) throw new Error(`${opt}: wrong answer on the normal page`);
  emit('normal_us', perItemUs(500, () => simple(PAGE)));
  // CPU per check if the pattern were compiled by every check (as before issue 16), and with the
  // pattern compiled once per config load (the director's ReceiveMemo): one match.
  emit('compile_and_match_cpu_us', cpuPerItemUs(2000, () => engine.compile(SIMPLE)(PAGE)));
  emit('match_cpu_us', cpuPerItemUs(20000, () => simple(PAGE)));
  const re = engine.compile(PATTERN);
  // Smallest first: an engine that takes minutes at 1 MiB still reports the rest before the cap.
  const bodies: Array<[string, string]> = [['hostile_literal_first_64k_ms', hostileWithLiteral(64 * KIB)], ...SIZES.map((n): [string, string] => [`hostile_${n / KIB}k_ms`, hostile(n)])];
  for (const [metric, body] of bodies) {
    const t = performance.now();
    if (re(body)) throw new Error(`${opt}: wrong answer on the hostile body`);
    emit(metric, performance.now() - t);
  }
}

/** The worker option: V8 off the main thread, one message per match, terminated at the deadline. */
async function childWorker(): Promise<void> {
  const src = `const { parentPort } = require('node:worker_threads');
parentPort.on('message', ({ id, source, text }) => parentPort.postMessage({ id, ok: new RegExp(source).test(text) }));`;
  let t0 = performance.now();
  let worker = new Worker(src, { eval: true });
  await new Promise((r) => worker.once('online', r));
  emit('load_ms', performance.now() - t0);
  let id = 0;
  const ask = (w: Worker, source: string, text: string, deadlineMs: number): Promise<boolean | 'deadline'> => new Promise((resolve) => {
    const my = ++id;
    const timer = setTimeout(() => { w.off('message', on); resolve('deadline'); }, deadlineMs);
    const on = (m: { id: number; ok: boolean }): void => { if (m.id === my) { clearTimeout(timer); w.off('message', on); resolve(m.ok); } };
    w.on('message', on);
    w.postMessage({ id: my, source, text });
  });
  for (let i = 0; i < 200; i++) await ask(worker, SIMPLE, PAGE, 5000);
  const n = 2000;
  const c = process.cpuUsage();
  t0 = performance.now();
  for (let i = 0; i < n; i++) await ask(worker, SIMPLE, PAGE, 5000);
  emit('normal_us', ((performance.now() - t0) * 1000) / n);
  const d = process.cpuUsage(c);
  emit('match_cpu_us', (d.user + d.system) / n);
  for (const size of SIZES) {
    const lag = monitorEventLoopDelay({ resolution: 1 });
    lag.enable();
    const t = performance.now();
    const r = await ask(worker, PATTERN, hostile(size), 2000);
    lag.disable();
    emit(`hostile_${size / KIB}k_ms`, r === 'deadline' ? 'deadline (2 s)' : performance.now() - t);
    emit(`hostile_${size / KIB}k_main_lag_ms`, lag.max / 1e6);
    if (r === 'deadline') {
      const tt = performance.now();
      await worker.terminate();
      emit('terminate_ms', performance.now() - tt);
      worker = new Worker(src, { eval: true });
      await new Promise((res) => worker.once('online', res));
    }
  }
  await worker.terminate();
}

function childPerl(): void {
  const script = `
use Time::HiRes qw(time);
my $page = ${JSON.stringify(PAGE).replace(/\$/g, '\\$').replace(/@/g, '\\@')};
my ($t, $n) = (time, 20000);
for (1..$n) { my $re = '${SIMPLE}'; $page =~ /$re/ or die; }
printf qq({"metric":"match_cpu_us","value":%f}\\n), (time - $t) * 1e6 / $n;
for my $size (${SIZES.join(', ')}) {
  my $body = 'Test' x ($size / 4);
  $t = time; die if $body =~ /${PATTERN}/;
  printf qq({"metric":"hostile_%dk_ms","value":%f}\\n), $size / 1024, (time - $t) * 1e3;
}
my $body = 'Page' . ('Test' x (65536 / 4 - 1));
$t = time; die if $body =~ /${PATTERN}/;
printf qq({"metric":"hostile_literal_first_64k_ms","value":%f}\\n), (time - $t) * 1e3;
`;
  const r = spawnSync('perl', ['-e', script], { encoding: 'utf8' });
  process.stdout.write(r.stdout);
  if (r.status !== 0) emit('error', r.stderr.trim());
}

async function child(opt: Option): Promise<void> {
  if (opt === 'worker') return childWorker();
  if (opt === 'perl') return childPerl();
  return childInline(opt);
}

/** runChild runs one option in a fresh process and collects its metrics (until the cap). */
function runChild(opt: Option): Promise<Map<string, number | string>> {
  const self = fileURLToPath(import.meta.url);
  const p = spawn(process.execPath, [...(V8_FLAGS[opt] ?? []), self, '--child', opt], { stdio: ['ignore', 'pipe', 'inherit'] });
  const out = new Map<string, number | string>();
  let buf = '';
  p.stdout.on('data', (d: Buffer) => {
    buf += d.toString();
    let i;
    while ((i = buf.indexOf('\n')) >= 0) {
      const { metric, value } = JSON.parse(buf.slice(0, i)) as { metric: string; value: number | string };
      out.set(metric, value);
      buf = buf.slice(i + 1);
    }
  });
  const cap = setTimeout(() => { out.set('capped', `> ${CHILD_CAP_MS / 1000} s`); p.kill('SIGKILL'); }, CHILD_CAP_MS);
  return new Promise((resolve) => p.on('close', () => { clearTimeout(cap); resolve(out); }));
}

const METRICS = ['load_ms', 'compile_us', 'normal_us', 'compile_and_match_cpu_us', 'match_cpu_us', 'hostile_64k_ms', 'hostile_1024k_ms', 'hostile_literal_first_64k_ms',
  'hostile_64k_main_lag_ms', 'hostile_1024k_main_lag_ms', 'terminate_ms'];

function cell(runs: Array<Map<string, number | string>>, metric: string): string {
  const vals = runs.map((r) => r.get(metric));
  const nums = vals.filter((v): v is number => typeof v === 'number');
  if (nums.length === vals.length && nums.length > 0) {
    const m = medianOf(nums);
    return m >= 100 ? m.toFixed(0) : m >= 1 ? m.toFixed(1) : m.toFixed(3);
  }
  const text = vals.find((v) => typeof v === 'string');
  if (text !== undefined) return String(text);
  // A capped run reports the cap for the hostile matches it did not finish, nothing else.
  const capped = runs.find((r) => r.has('capped'));
  return capped && metric.startsWith('hostile_') && !metric.endsWith('_lag_ms') ? String(capped.get('capped')) : '-';
}

/**
 * re2Limits: RE2's own worst cases on 1 MiB, the figures behind MAX_REPEAT. A counted
 * repetition after an ambiguous prefix defeats RE2's DFA (its state cache thrashes) and RE2
 * falls back to its NFA, whose cost per byte grows with the pattern's size.
 */
async function re2Limits(): Promise<void> {
  const RE2 = (await import('re2')).default;
  let seed = 1;
  const rnd = (): number => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  const pick = (alpha: string): string => Array.from({ length: 1024 * KIB }, () => alpha[Math.floor(rnd() * alpha.length)]).join('');
  const ab = pick('ab');
  const text = pick('abcdefghij klmnop\n<>/="');
  const cases: Array<[string, string]> = [
    ...[16, 32, 40, 50, 200].map((k): [string, string] => [`a[ab]{${k}}c`, ab]),
    [`a${'[ab]'.repeat(50)}c`, ab],
    ...[500, 1000].map((k): [string, string] => [`[\\s\\S]{${k}}x`, text]),
  ];
  console.log('\nRE2 on 1 MiB of random text that never matches, ms (median of 3):');
  for (const [p, body] of cases) {
    const re = new RE2(p);
    const ts = [0, 1, 2].map(() => { const t = performance.now(); re.test(body); return performance.now() - t; });
    console.log(`| \`${p.length > 30 ? `${p.slice(0, 12)}...${p.slice(-6)} (${p.length} chars)` : p}\` | ${medianOf(ts).toFixed(1)} |`);
  }
}

async function main(): Promise<void> {
  const ci = process.argv.indexOf('--child');
  if (ci >= 0) return child(process.argv[ci + 1] as Option);
  if (process.argv.includes('--re2-limits')) return re2Limits();
  const ri = process.argv.indexOf('--runs');
  const runs = ri >= 0 ? Number(process.argv[ri + 1]) : 3;
  const results = new Map<Option, Array<Map<string, number | string>>>();
  for (const opt of OPTIONS) {
    const rs: Array<Map<string, number | string>> = [];
    for (let i = 0; i < runs; i++) {
      const r = await runChild(opt);
      rs.push(r);
      if (r.has('skipped')) break;
    }
    results.set(opt, rs);
    process.stderr.write(`${opt}: done\n`);
  }
  console.log(`node ${process.version}, ${runs} runs per option, medians; hostile = "${PATTERN}" on "Test" repeated, no "Page"`);
  console.log(`| metric | ${OPTIONS.join(' | ')} |`);
  console.log(`|---|${OPTIONS.map(() => '---').join('|')}|`);
  for (const m of METRICS) console.log(`| ${m} | ${OPTIONS.map((o) => (results.get(o)?.[0]?.has('skipped') ? 'n/a' : cell(results.get(o) ?? [], m))).join(' | ')} |`);
}

await main();
