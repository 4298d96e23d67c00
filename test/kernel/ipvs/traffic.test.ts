/**
 * Real traffic through a persistent service with a local dest, so the counters, rates and
 * persistent-connection columns are non-zero (and the byte counts large enough for ipvsadm's
 * K/M suffixes); the driver's stats decoding and its renderers must still match ipvsadm exactly.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, connect, type Server } from 'node:net';
import type { IpvsHandle } from '../../../src/ipvs/types.js';
import { assertInLab, dest, ipvsadm, loadDriver, mustApply, svc, tcp, type Driver } from '../support.js';

assertInLab();

const ADDR = '127.0.0.20';
const PORT = 8000;
const VIP = tcp(ADDR, PORT);
/** Over 10^8 bytes: ipvsadm switches to K/M suffixes (and wider --exact columns) past that. */
const MB = 1024 * 1024;
const BIG = 100 * MB;

let drv: Driver;
let h: IpvsHandle;
let server: Server;

/** fetch makes one connection through the service and returns how many bytes came back. */
function fetch(ask: string): Promise<number> {
  return new Promise((resolve, reject) => {
    let n = 0;
    const s = connect(PORT, ADDR, () => s.end(ask));
    s.on('data', (d: Buffer) => { n += d.length; });
    s.on('end', () => { s.destroy(); resolve(n); });
    s.on('error', reject);
  });
}

before(async () => {
  drv = await loadDriver();
  h = await drv.openIpvs();
  ipvsadm('-C');
  const chunk = Buffer.alloc(MB, 0x61);
  server = createServer({ allowHalfOpen: true }, (c) => c.once('data', (d) => {
    if (!d.toString().startsWith('big')) { c.end('hi'); return; }
    let left = BIG / MB;
    const pump = (): void => { while (left > 0) { left--; if (!c.write(chunk)) { c.once('drain', pump); return; } } c.end(); };
    pump();
  }));
  await new Promise<void>((r) => server.listen(PORT, ADDR, r));
  await mustApply(h, [
    { op: 'addService', service: svc(VIP, { scheduler: 'rr', flags: 1, timeout: 120 }) },
    { op: 'addDest', key: VIP, dest: dest(ADDR, PORT) },
  ]);
  assert.equal(await fetch('big'), BIG);
  for (let i = 0; i < 4; i++) assert.equal(await fetch('small'), 2);
});
after(async () => {
  server?.close();
  ipvsadm('-C');
  await h?.close();
});

test('counters: the driver reads what the kernel counted, as ipvsadm --exact shows it', async () => {
  // The kernel folds per-CPU counters into the exported ones every 2 s.
  let conns: bigint | undefined;
  for (let i = 0; i < 40 && conns !== 5n; i++) {
    await new Promise((r) => setTimeout(r, 250));
    conns = (await h.listServices())[0]?.stats?.conns;
  }
  assert.equal(conns, 5n, 'five connections');
  const [s] = await h.listServices();
  assert.ok(s?.stats && s.stats.outBytes > BigInt(BIG), `outBytes ${s?.stats?.outBytes} covers the big reply`);
  const [d] = await h.listDests(VIP);
  assert.equal(d?.persistConns, 1, 'one persistence template');
  const exact = ipvsadm('-Ln', '--stats', '--exact').split('\n').find((l) => l.startsWith('TCP'));
  const st = s.stats;
  assert.equal(exact?.split(/ +/).slice(2).join(' '), [st.conns, st.inPkts, st.outPkts, st.inBytes, st.outBytes].join(' '));
});

test('render: counter views match ipvsadm byte for byte (re-read if the estimator ticked between)', async () => {
  const table = [
    { desc: '--stats', args: ['-Ln', '--stats'], view: { view: 'stats' as const } },
    { desc: '--stats --exact', args: ['-Ln', '--stats', '--exact'], view: { view: 'stats' as const, exact: true } },
    { desc: '--rate', args: ['-Ln', '--rate'], view: { view: 'rate' as const } },
    { desc: '--rate --exact', args: ['-Ln', '--rate', '--exact'], view: { view: 'rate' as const, exact: true } },
    { desc: '--persistent-conn', args: ['-Ln', '--persistent-conn'], view: { view: 'persistent-conn' as const } },
    { desc: '-Ln', args: ['-Ln'], view: {} },
  ];
  for (const c of table) {
    let ours = '';
    let theirs = '';
    // Rates decay on every estimator tick (2 s), so two reads can straddle one: retry a few times.
    for (let i = 0; i < 5; i++) {
      ours = await drv.renderList(h, c.view);
      theirs = ipvsadm(...c.args);
      if (ours === theirs) break;
    }
    assert.equal(ours, theirs, `ipvsadm ${c.desc}`);
  }
  assert.match(ipvsadm('-Ln', '--stats'), / \d+K\n/, 'the big reply shows as K in the non-exact view');
});
