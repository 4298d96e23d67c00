// The director over the real kernel (netlink IpvsHandle) inside the kernel lab: IPVS write counts
// for a start over an empty table, an unchanged reload, a restart over the table a cleanstop=no
// stop left behind, and a drift made with ipvsadm. Checks are fakes (no traffic); the point is
// that desired state, as the kernel stores it, compares equal (no churn from port rewriting,
// HASHED, netmask or IPv6 spelling).
//   node dist/bench/engine-host-lab.js            (host: boots the lab and runs itself inside)
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createDirector } from '../src/director/index.js';
import { openIpvs } from '../src/ipvs/index.js';
import type { CheckFn } from '../src/checks/types.js';
import type { Config, RealServer, VirtualService } from '../src/config/model.js';
import type { IpvsHandle } from '../src/ipvs/types.js';
import { systemClock } from '../src/util/clock.js';
import { memoryLogger } from '../src/util/log.js';

const POS = { file: 'lab.cf', line: 1 };
const real = (address: string, o: Partial<RealServer> = {}): RealServer =>
  ({ family: 4, address, port: 80, forward: 'masq', weight: 1, lowerThreshold: 0, upperThreshold: 0, pos: POS, ...o });
function virt(address: string | undefined, port: number, reals: RealServer[], o: Partial<VirtualService> = {}): VirtualService {
  return {
    id: `tcp:${address}:${port}`, family: 4, protocol: 'tcp', address, port, reals, checktype: { kind: 'negotiate' }, service: 'http',
    checkcommand: '/bin/true', checktimeout: 1, negotiatetimeout: 1, checkcount: 1, failurecount: 1, risecount: 1, checkinterval: 1,
    request: '/', receive: '', httpmethod: 'GET', login: '', passwd: '', database: '', secret: '', scheduler: 'wrr', ops: false,
    quiescent: false, cleanstop: false, emailalert: [], emailalertfreq: 0, emailalertstatus: 15, httpsverify: false, hysteresis: 0, pos: POS, ...o,
  };
}
const config = (): Config => ({
  file: '/lab.cf', name: 'lab.cf',
  global: { checkinterval: 1, autoreload: false, logfile: 'local0', execute: [], fork: false, supervised: true, quiescent: false, readdquiescent: false, cleanstop: false, fallbackcommandonstop: false, maxchecks: 100, maxresponsebytes: 1 << 20 },
  virtuals: [
    virt('192.0.2.1', 80, [real('10.1.0.1', { weight: 3, upperThreshold: 100, lowerThreshold: 10 }), real('10.1.0.2', { forward: 'gate', port: 8080 }), real('10.1.0.3', { forward: 'ipip' })],
      { persistent: 300, netmask: '255.255.255.0', scheduler: 'sh', schedflags: 'sh-fallback,sh-port' }),
    virt('192.0.2.2', 53, [real('10.1.0.4', { port: 53 })], { protocol: 'udp', id: 'udp:192.0.2.2:53', ops: true }),
    virt(undefined, 0, [real('10.1.0.5', { forward: 'gate', port: 0 }), real('10.1.0.6', { port: 8443 })],
      { protocol: 'fwm', fwmark: 7, id: 'fwm:7', fallback: { family: 4, address: '10.9.0.1', port: 0, forward: 'gate', pos: POS } }),
    virt('2001:db8::1', 80, [real('2001:db8:0:0::10', { family: 6 })], { family: 6, id: 'tcp:[2001:db8::1]:80', persistent: 60, netmask: '64' }),
  ],
});
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function guest(): Promise<void> {
  const ipvs: IpvsHandle = await openIpvs();
  let failing = '10.1.0.6';
  const check: CheckFn = async (spec) => ({ up: spec.realAddress !== failing, message: '-', durationMs: 0 });
  const mk = (driftIntervalMs = 0) => createDirector(config(), {
    ipvs, clock: systemClock(), logger: memoryLogger(), runCheck: check, random: () => 0,
    sendMail: async () => {}, exec: async () => 0, options: { driftIntervalMs },
  });
  const out: Record<string, number> = {};
  let d = mk();
  let w = ipvs.writes;
  await d.start(); await sleep(1500); await d.idle();
  out.start_empty_table = ipvs.writes - w;
  w = ipvs.writes;
  await d.reload(config()); await sleep(2500); await d.idle();
  out.reload_unchanged = ipvs.writes - w;
  await d.stop();
  w = ipvs.writes;
  d = mk(1000);
  await d.start(); await sleep(2500); await d.idle();
  out.restart_over_kept_table = ipvs.writes - w;
  w = ipvs.writes;
  execFileSync('ipvsadm', ['-e', '-t', '192.0.2.1:80', '-r', '10.1.0.1:80', '-m', '-w', '9', '-x', '100', '-y', '10']);
  await sleep(2500); await d.idle();
  out.drift_one_weight_edited_by_ipvsadm = ipvs.writes - w;
  w = ipvs.writes;
  failing = '10.1.0.5';
  await sleep(2500); await d.idle();
  out.one_real_down_one_up = ipvs.writes - w;
  await d.stop();
  console.log(`RESULT ${JSON.stringify(out)}`);
  console.log(execFileSync('ipvsadm', ['-L', '-n', '--thresholds'], { encoding: 'utf8' }));
}

async function host(): Promise<void> {
  const { labUnavailableReason, runInLab } = await import('../test/lab/lab.js');
  const why = labUnavailableReason();
  if (why) { console.error(`kernel lab unavailable: ${why}`); process.exit(1); }
  const self = fileURLToPath(import.meta.url);
  const r = await runInLab({ script: `node ${self} --guest`, timeoutMs: 180_000, modules: ['ip_vs_sh', 'ip_vs_wrr'] });
  process.stdout.write(r.output);
  process.exit(r.code);
}

if (process.argv.includes('--guest')) {
  if (!existsSync('/proc/net/ip_vs')) throw new Error('--guest runs inside the kernel lab only');
  await guest();
  process.exit(0);
} else {
  await host();
}
