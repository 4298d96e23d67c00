/**
 * Side-by-side figure for the original: Debian's Perl ldirectord (/usr/sbin/ldirectord -d)
 * checking N http reals on one loopback nginx, with a no-op ./ipvsadm in its working directory
 * (its debug-mode test hook, L912-914). The check rate is counted from its debug log
 * ("check_http: <url> is up" lines) over a window after start-up; CPU per check is read from
 * /proc. Run: node dist/bench/checks-perl-bench.js [--reals 200] [--seconds 20]
 */
import { spawn } from 'node:child_process';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { freePorts, makeTempDir, startNginx } from '../test/harness/index.js';

const arg = (name: string, def: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] ?? def : def;
};
const REALS = Number(arg('reals', '200'));
// More than a few hundred reals: start-up (3 ipvsadm runs per real) outlasts the window.
const SECONDS = Number(arg('seconds', '20'));
const WARMUP_S = 3;

function cpuSeconds(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(f[11]) + Number(f[12])) / 100;
}

async function main(): Promise<void> {
  const dir = makeTempDir('bench-perl');
  const hosts = Array.from({ length: Math.min(100, REALS) }, (_, i) => `127.0.5.${100 + i}`);
  const ports = await freePorts(hosts[0] as string, Math.ceil(REALS / hosts.length));
  const reals: Array<[string, number]> = [];
  for (const p of ports) for (const h of hosts) if (reals.length < REALS) reals.push([h, p]);
  const nginx = await startNginx(dir, {
    ready: { host: reals[0]![0], port: reals[0]![1] },
    http: `server {\n ${reals.map(([h, p]) => `listen ${h}:${p};`).join('\n ')}\n location = /.testpage { return 200 "Test Page\\n"; } }`,
  });
  writeFileSync(dir.join('ipvsadm'), '#!/bin/sh\ncase "$*" in *-L*) echo "IP Virtual Server version 1.2.1 (size=4096)";; esac\nexit 0\n');
  chmodSync(dir.join('ipvsadm'), 0o755);
  writeFileSync(dir.join('ld.cf'), [
    'checktimeout=5', 'negotiatetimeout=5', 'checkinterval=1', 'quiescent=no', 'virtual=10.99.0.1:80',
    ...reals.map(([h, p]) => `\treal=${h}:${p} gate`),
    '\tservice=http', '\trequest=".testpage"', '\treceive="Test Page"', '\tchecktype=negotiate', '\tscheduler=rr', '\tprotocol=tcp', '',
  ].join('\n'));
  const ld = spawn('/usr/sbin/ldirectord', ['-d', dir.join('ld.cf'), 'start'], { cwd: dir.path, stdio: ['ignore', 'ignore', 'pipe'] });
  const times: number[] = [];
  let buf = '';
  ld.stderr.on('data', (d: Buffer) => {
    buf += d.toString();
    let i;
    while ((i = buf.indexOf('\n')) >= 0) {
      if (/check_http: \S+ is up/.test(buf.slice(0, i))) times.push(performance.now());
      buf = buf.slice(i + 1);
    }
  });
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, WARMUP_S * 1000));
  const cpu0 = cpuSeconds(ld.pid ?? 0);
  const from = performance.now();
  await new Promise((r) => setTimeout(r, SECONDS * 1000));
  const to = performance.now();
  const cpu1 = cpuSeconds(ld.pid ?? 0);
  ld.kill('SIGTERM');
  await new Promise((r) => { const t = setTimeout(() => { ld.kill('SIGKILL'); r(null); }, 5000); ld.once('exit', () => { clearTimeout(t); r(null); }); });
  await nginx.stop();
  dir.remove();
  const n = times.filter((t) => t >= from && t < to).length;
  console.log(`| perl ldirectord 4.12 (fork=no) | http | ${REALS} reals | ${(n / ((to - from) / 1000)).toFixed(0)} checks/s | ${n ? (((cpu1 - cpu0) * 1e6) / n).toFixed(0) : '-'} us CPU/check (incl. debug logging) | ${times.length} checks in ${((to - t0) / 1000).toFixed(0)} s |`);
}

await main();
