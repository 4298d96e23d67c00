/**
 * Event-loop turns one apply() of many IPVS writes needs, every write acknowledged vs quiet writes,
 * on the real kernel in the lab (bench/write-turns-guest.ts does the measuring), with the loop
 * idle and busy. Prints medians per (busy ms, mode).
 *   node dist/bench/write-turns.js [--services 10] [--dests 100] [--busy 0,20] [--runs 3]
 */
import { fileURLToPath } from 'node:url';
import { runInLab } from '../test/lab/lab.js';
import { snapshot } from './engine-lab.js';
import { rmSync } from 'node:fs';

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : def;
}

interface Turns { quietWrites: boolean; busyMs: number; writes: number; failed: number; inTable: number; turns: number; ms: number; window: number }

const median = (xs: number[]): number => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor((s.length - 1) / 2)]!; };

async function main(): Promise<number> {
  const env = { TURNS_SERVICES: arg('services', '10'), TURNS_DESTS: arg('dests', '100'), TURNS_BUSY_MS: arg('busy', '0,20'), TURNS_RUNS: arg('runs', '3') };
  const snap = snapshot('write-turns-snap-');
  const r = await runInLab({
    script: 'exec node dist/bench/write-turns-guest.js\n', timeoutMs: 900_000, cwd: snap, memMb: 1024, env,
    onOutput: (s) => process.stdout.write(s),
  }).finally(() => rmSync(snap, { recursive: true, force: true }));
  const rows = r.output.split('\n').filter((l) => l.startsWith('TURNS ')).map((l) => JSON.parse(l.slice(6)) as Turns);
  console.log('\n| loop busy per turn | writes | mode | turns (median, all) | ms (median) | failed / in table |');
  console.log('|---:|---:|---|---|---:|---|');
  for (const busy of [...new Set(rows.map((x) => x.busyMs))]) {
    for (const quiet of [false, true]) {
      const xs = rows.filter((x) => x.busyMs === busy && x.quietWrites === quiet);
      if (xs.length === 0) continue;
      console.log(`| ${busy} ms | ${xs[0]!.writes} | ${quiet ? 'quiet (ACK per datagram)' : 'ACK per write'} | ${median(xs.map((x) => x.turns))} (${xs.map((x) => x.turns).join(', ')}) | ${median(xs.map((x) => x.ms)).toFixed(0)} | ${xs.map((x) => `${x.failed}/${x.inTable}`).join(', ')} |`);
    }
  }
  console.log(`\nwrite-turns: guest exit ${r.code} after ${(r.durationMs / 1000).toFixed(0)} s`);
  return r.code;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) process.exitCode = await main();
