// Start time of `ldirectord <cf> start` (run as an executable, as an admin or the OCF agent
// does) until it returns with the daemon up, on the host (idle engine: the host has no IPVS) and
// in the kernel lab (real engine, one virtual with two checktype=on reals, so the table is
// programmed when start returns). Each run is followed by a stop. Medians in docs/benchmarks.md.
//   node bench/start-time.mjs [--runs 5] [--compare /path/to/other/checkout] [--host-only|--lab-only]
// --compare runs another built checkout's bin/ldirectord alternately with this one (same load).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url)).replace(/\/$/, '');
const arg = (name, dflt) => { const i = process.argv.indexOf(name); return i > 0 ? process.argv[i + 1] : dflt; };
const runs = Number(arg('--runs', '5'));
const trees = [root, ...(arg('--compare') ? [arg('--compare')] : [])];
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const report = (where, results) => {
  for (const t of trees) console.log(`${where} ${t}: median ${median(results[t])} ms of ${results[t].length} [${results[t].join(', ')}]`);
};

const script = (dir, extraEnv) => `
d=${dir}; mkdir -p $d
printf 'logfile="%s/log"\\ncheckinterval=5\\n\\nvirtual=192.0.2.91:80\\n\\treal=127.0.0.2:80 gate\\n\\treal=127.0.0.3:80 gate\\n\\tchecktype=on\\n\\n' $d > $d/sb.cf
for i in $(seq ${runs}); do
  for b in ${trees.join(' ')}; do
    s=$(date +%s%N); ${extraEnv} LDIRECTORD_PIDDIR=$d $b/bin/ldirectord $d/sb.cf start || echo "FAILED $b"; e=$(date +%s%N)
    echo "RESULT $b $(( (e-s)/1000000 ))"
    ${extraEnv} LDIRECTORD_PIDDIR=$d $b/bin/ldirectord $d/sb.cf stop
  done
done
`;
const collect = (text) => {
  const out = Object.fromEntries(trees.map((t) => [t, []]));
  for (const m of text.matchAll(/^RESULT (\S+) (\d+)$/gm)) out[m[1]].push(Number(m[2]));
  if (/FAILED/.test(text)) throw new Error(text);
  return out;
};

if (!process.argv.includes('--lab-only')) {
  const dir = mkdtempSync(join(tmpdir(), 'ld-startbench-'));
  try {
    report(`host (load ${execFileSync('cat', ['/proc/loadavg'], { encoding: 'utf8' }).split(' ')[0]})`,
      collect(execFileSync('sh', ['-c', script(dir, 'LDIRECTORD_ENGINE=idle')], { encoding: 'utf8' })));
  } finally { rmSync(dir, { recursive: true, force: true }); }
}
if (!process.argv.includes('--host-only')) {
  const { runInLab } = await import(`${root}/dist/test/lab/lab.js`);
  const r = await runInLab({ script: script('/tmp/sb', ''), timeoutMs: 900_000, cwd: '/tmp' });
  report(`lab (host load ${execFileSync('cat', ['/proc/loadavg'], { encoding: 'utf8' }).split(' ')[0]})`, collect(r.output));
}
