/**
 * The director-pair benchmark (issue 13): boots the kernel lab once and fails the seed's heartbeat
 * pair over again and again (bench/pair-lab-guest.ts), with our package and with Debian's Perl
 * ldirectord (sync daemons started by hand with ipvsadm for both), then prints one markdown table
 * of medians: takeover (crash of the active director -> first request served by the backup),
 * requests lost in between, and whether a long-lived connection survived.
 *   node dist/bench/pair-lab.js [--systems ours,perl] [--cases moved-sync,moved-nosync,warm-sync] [--runs 3]
 * Cases `pacemaker-moved-sync`, `pacemaker-warm-sync` (...) run the pair under corosync + Pacemaker.
 * A case written `system:case` (`perl:warm-sync`) runs for that system only. PAIR_PROGRESS=FILE
 * (a host path) follows the runs live, with a failure's full logs.
 */
import { cpSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensurePackage } from '../test/lab/deb-package.js';
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
  /** The idle connection (never synced: below the kernel's sync threshold) after the takeover. */
  readonly idle?: { readonly kept: boolean };
  /** Where the first answer after the crash came from: the client's neighbour entry for the VIP, linuxha2's MAC. */
  readonly evidence?: { readonly mac2: string; readonly neighAfter: string };
}

/** throughBackup: the client reached the VIP at linuxha2's MAC when the first answer after the crash came (pure). */
const throughBackup = (r: Row): boolean => Boolean(r.evidence?.mac2 && r.evidence.neighAfter.includes(`lladdr ${r.evidence.mac2}`));

/** casesFor: the cases that run for `system`: plain ones for every system, `system:case` for that one (pure). */
export function casesFor(cases: readonly string[], system: string): string[] {
  return cases.flatMap((c) => {
    const i = c.indexOf(':');
    return i < 0 ? [c] : c.slice(0, i) === system ? [c.slice(i + 1)] : [];
  });
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)]!;
};

/** table renders medians per system and case (pure). */
export function table(rows: readonly Row[]): string {
  const names: Record<string, string> = { ours: 'ours (Node.js)', perl: 'Perl original' };
  const out = [
    '| system | case | runs ok | takeover s, median (min-max) | requests lost, median | synced connection kept | idle (unsynced) connection kept | first answer through linuxha2 | up s, median |',
    '|---|---|---:|---:|---:|---|---|---|---:|',
  ];
  const keys = [...new Set(rows.map((r) => `${r.system}\t${r.case}`))];
  for (const k of keys) {
    const [system, c] = k.split('\t') as [string, string];
    const all = rows.filter((r) => r.system === system && r.case === c);
    const ok = all.filter((r) => !r.error);
    const t = ok.map((r) => r.takeoverMs! / 1000);
    const cell = ok.length ? `${median(t).toFixed(1)} (${Math.min(...t).toFixed(1)}-${Math.max(...t).toFixed(1)})` : '-';
    out.push(`| ${names[system] ?? system} | ${c} | ${ok.length}/${all.length} | ${cell} | ${ok.length ? median(ok.map((r) => r.lost!)) : '-'} | `
      + `${ok.filter((r) => r.kept).length}/${ok.length} | ${ok.filter((r) => r.idle?.kept).length}/${ok.length} | ${ok.filter(throughBackup).length}/${ok.length} | `
      + `${ok.length ? (median(ok.map((r) => r.upMs!)) / 1000).toFixed(1) : '-'} |`);
  }
  return out.join('\n');
}

async function main(): Promise<number> {
  const deb = ensurePackage(root);
  // The guest reads a copy of the built tree, so a rebuild during the (long) run cannot disturb it.
  const snap = mkdtempSync('/var/tmp/pair-lab-snap-');
  for (const p of ['dist', 'bin', 'package.json']) cpSync(join(root, p), join(snap, p), { recursive: true, preserveTimestamps: true });
  symlinkSync(join(root, 'node_modules'), join(snap, 'node_modules'));
  const env = {
    BENCH_SYSTEMS: arg('systems', 'ours,perl'), BENCH_CASES: arg('cases', 'moved-sync,moved-nosync,warm-sync'),
    BENCH_RUNS: arg('runs', '3'), LDIRECTORD_DEB: join(snap, 'dist/pkg', deb.split('/').pop()!),
    // A host file each failover appends its steps to, a failure's full logs included (the RESULT line cuts them).
    ...(process.env.PAIR_PROGRESS ? { PAIR_PROGRESS: process.env.PAIR_PROGRESS } : {}),
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
