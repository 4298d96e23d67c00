/**
 * The director-pair benchmark (issue 13): boots the kernel lab once and fails the seed's heartbeat
 * pair over again and again (bench/pair-lab-guest.ts), with our package and with Debian's Perl
 * ldirectord (sync daemons started by hand with ipvsadm for both), then prints one markdown table
 * of medians: takeover (crash of the active director -> first request served by the backup),
 * requests lost in between, and whether a long-lived connection survived.
 *   node dist/bench/pair-lab.js [--systems ours,perl] [--cases moved-sync,moved-nosync,warm-sync] [--runs 3]
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runInLab } from '../test/lab/lab.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : def;
}

/** Row is one RESULT line of the guest. */
export interface Row {
  readonly system: string;
  readonly case: string;
  readonly error?: string;
  readonly takeoverMs?: number;
  readonly lost?: number;
  readonly tried?: number;
  readonly kept?: boolean;
  readonly upMs?: number;
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)]!;
};

/** table renders medians per system and case (pure). */
export function table(rows: readonly Row[]): string {
  const names: Record<string, string> = { ours: 'ours (Node.js)', perl: 'Perl original' };
  const out = [
    '| system | case | runs ok | takeover s, median (min-max) | requests lost, median | long-lived connection kept | up s, median |',
    '|---|---|---:|---:|---:|---|---:|',
  ];
  const keys = [...new Set(rows.map((r) => `${r.system}\t${r.case}`))];
  for (const k of keys) {
    const [system, c] = k.split('\t') as [string, string];
    const all = rows.filter((r) => r.system === system && r.case === c);
    const ok = all.filter((r) => !r.error);
    const t = ok.map((r) => r.takeoverMs! / 1000);
    const cell = ok.length ? `${median(t).toFixed(1)} (${Math.min(...t).toFixed(1)}-${Math.max(...t).toFixed(1)})` : '-';
    out.push(`| ${names[system] ?? system} | ${c} | ${ok.length}/${all.length} | ${cell} | ${ok.length ? median(ok.map((r) => r.lost!)) : '-'} | `
      + `${ok.filter((r) => r.kept).length}/${ok.length} | ${ok.length ? (median(ok.map((r) => r.upMs!)) / 1000).toFixed(1) : '-'} |`);
  }
  return out.join('\n');
}

/** ensurePackage builds our .deb unless dist/pkg holds one newer than the bundle. */
function ensurePackage(): string {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
  const arch = execFileSync('dpkg', ['--print-architecture'], { encoding: 'utf8' }).trim();
  const deb = join(root, 'dist/pkg', `ldirectord-node_${pkg.version}_${arch}.deb`);
  if (!existsSync(deb)) execFileSync(process.execPath, [join(root, 'packaging/build-deb.mjs'), '--out', join(root, 'dist/pkg')], { stdio: ['ignore', 'ignore', 'inherit'] });
  return deb;
}

async function main(): Promise<number> {
  const deb = ensurePackage();
  // The guest reads a copy of the built tree, so a rebuild during the (long) run cannot disturb it.
  const snap = mkdtempSync('/var/tmp/pair-lab-snap-');
  for (const p of ['dist', 'bin', 'package.json']) cpSync(join(root, p), join(snap, p), { recursive: true, preserveTimestamps: true });
  symlinkSync(join(root, 'node_modules'), join(snap, 'node_modules'));
  const env = {
    BENCH_SYSTEMS: arg('systems', 'ours,perl'), BENCH_CASES: arg('cases', 'moved-sync,moved-nosync,warm-sync'),
    BENCH_RUNS: arg('runs', '3'), LDIRECTORD_DEB: join(snap, 'dist/pkg', deb.split('/').pop()!),
  };
  console.log(`pair-lab: booting the kernel lab (${JSON.stringify(env)})`);
  const r = await runInLab({
    script: 'exec node dist/bench/pair-lab-guest.js\n', timeoutMs: Number(arg('timeout', '5400')) * 1000,
    cwd: snap, memMb: 1024, env, onOutput: (s) => process.stdout.write(s),
  }).finally(() => rmSync(snap, { recursive: true, force: true }));
  const rows = r.output.split('\n').filter((l) => l.startsWith('RESULT ')).map((l) => JSON.parse(l.slice(7)) as Row);
  console.log(`\npair-lab: guest exit ${r.code} after ${(r.durationMs / 1000).toFixed(0)} s\n`);
  for (const e of rows.filter((x) => x.error)) console.log(`${e.system} ${e.case}: ERROR ${e.error}`);
  console.log(table(rows));
  return r.code;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.exitCode = await main();
}
