/**
 * Every write command and the config commands through the real kernel, each checked with the
 * real ipvsadm: edit service/dest attribute by attribute, delete, timeouts, zero (with real
 * traffic to a local dest), flush.
 */
import { after, before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, connect, type Server } from 'node:net';
import type { IpvsHandle } from '../../../src/ipvs/types.js';
import { assertInLab, dest, ipvsadm, loadDriver, mustApply, svc, tcp } from '../support.js';
import { SVC_F } from './fixture.js';

assertInLab();

let h: IpvsHandle;
before(async () => { h = await (await loadDriver()).openIpvs(); });
after(async () => { ipvsadm('-C'); await h?.close(); });
beforeEach(() => { ipvsadm('-C'); });

const K = tcp('10.1.1.1', 80);
const base = svc(K, { scheduler: 'wlc' });

test('editService: each attribute change shows in ipvsadm -Sn', async () => {
  await mustApply(h, [{ op: 'addService', service: base }]);
  const table = [
    { desc: 'scheduler', over: { scheduler: 'rr' }, want: '-A -t 10.1.1.1:80 -s rr' },
    { desc: 'persistence', over: { flags: SVC_F.PERSISTENT, timeout: 600 }, want: '-A -t 10.1.1.1:80 -s wlc -p 600' },
    { desc: 'netmask', over: { flags: SVC_F.PERSISTENT, timeout: 600, netmask: '255.255.0.0' }, want: '-A -t 10.1.1.1:80 -s wlc -p 600 -M 255.255.0.0' },
    { desc: 'pe sip', over: { flags: SVC_F.PERSISTENT, timeout: 30, peName: 'sip' }, want: '-A -t 10.1.1.1:80 -s wlc -p 30 --pe sip' },
    { desc: 'sched flags', over: { scheduler: 'sh', flags: SVC_F.SCHED2 }, want: '-A -t 10.1.1.1:80 -s sh -b sh-port' },
    { desc: 'back to plain', over: {}, want: '-A -t 10.1.1.1:80 -s wlc' },
  ];
  for (const c of table) {
    await mustApply(h, [{ op: 'editService', service: { ...base, ...c.over } }]);
    assert.equal(ipvsadm('-Sn'), `${c.want}\n`, c.desc);
    const [got] = await h.listServices();
    assert.equal(got?.scheduler, c.over.scheduler ?? 'wlc', `${c.desc}: scheduler read back`);
    assert.equal(got?.flags, c.over.flags ?? 0, `${c.desc}: flags read back without HASHED`);
  }
});

test('editDest: weight, forwarding and thresholds show in ipvsadm', async () => {
  const d = dest('127.0.0.2', 80);
  await mustApply(h, [{ op: 'addService', service: base }, { op: 'addDest', key: K, dest: d }]);
  const table = [
    { desc: 'weight', over: { weight: 7 }, save: '-g -w 7', thr: '0          0' },
    { desc: 'masq', over: { forward: 'masq' as const, weight: 7 }, save: '-m -w 7', thr: '0          0' },
    { desc: 'tunnel', over: { forward: 'tunnel' as const, weight: 2 }, save: '-i -w 2 --tun-type ipip', thr: '0          0' },
    { desc: 'thresholds', over: { upperThreshold: 300, lowerThreshold: 20 }, save: '-g -w 1', thr: '300        20' },
    { desc: 'weight 0 (quiescent)', over: { weight: 0 }, save: '-g -w 0', thr: '0          0' },
  ];
  for (const c of table) {
    await mustApply(h, [{ op: 'editDest', key: K, dest: { ...d, ...c.over } }]);
    assert.match(ipvsadm('-Sn'), new RegExp(`^-a -t 10\\.1\\.1\\.1:80 -r 127\\.0\\.0\\.2:80 ${c.save}$`, 'm'), c.desc);
    assert.match(ipvsadm('-Ln', '--thresholds'), new RegExp(`-> 127\\.0\\.0\\.2:80 +${c.thr} `), `${c.desc}: thresholds`);
    const [got] = await h.listDests(K);
    assert.equal(got?.weight, c.over.weight ?? 1, `${c.desc}: weight read back`);
  }
});

test('forwarding methods without an ipvsadm switch (local, bypass) round-trip and render like ipvsadm', async () => {
  const drv = await loadDriver();
  await mustApply(h, [
    { op: 'addService', service: base },
    { op: 'addDest', key: K, dest: dest('127.0.0.2', 80, { forward: 'local' }) },
    { op: 'addDest', key: K, dest: dest('127.0.0.3', 80, { forward: 'bypass' }) },
  ]);
  assert.deepEqual((await h.listDests(K)).map((d) => d.forward).sort(), ['bypass', 'local']);
  assert.match(ipvsadm('-Ln'), /-> 127\.0\.0\.2:80 +Local +1 /);
  assert.equal(await drv.renderList(h), ipvsadm('-Ln'));
  assert.equal(await drv.renderSave(h), ipvsadm('-Sn'));
});

test('getService fetches one service (GET_SERVICE without dump); a missing one is ESRCH', async () => {
  const drv = await loadDriver();
  const h2 = await drv.openIpvs();
  try {
    await mustApply(h2, [{ op: 'addService', service: svc(K, { scheduler: 'sh', flags: SVC_F.PERSISTENT, timeout: 77, netmask: '255.255.255.0' }) }]);
    const got = await h2.getService(K);
    assert.deepEqual([got.scheduler, got.flags, got.timeout, got.netmask], ['sh', SVC_F.PERSISTENT, 77, '255.255.255.0']);
    await assert.rejects(h2.getService(tcp('10.1.1.99', 80)), (e: { code?: string }) => e.code === 'LD_ERR_IPVS_NO_SERVICE');
  } finally {
    await h2.close();
  }
});

test('delDest and delService remove exactly their entry', async () => {
  await mustApply(h, [
    { op: 'addService', service: base },
    { op: 'addService', service: svc(tcp('10.1.1.2', 80)) },
    { op: 'addDest', key: K, dest: dest('127.0.0.2', 80) },
    { op: 'addDest', key: K, dest: dest('127.0.0.3', 80) },
  ]);
  await mustApply(h, [{ op: 'delDest', key: K, dest: { address: '127.0.0.2', port: 80 } }]);
  assert.deepEqual((await h.listDests(K)).map((d) => d.address), ['127.0.0.3']);
  assert.doesNotMatch(ipvsadm('-Sn'), /127\.0\.0\.2/);
  await mustApply(h, [{ op: 'delService', key: K }]);
  assert.equal(ipvsadm('-Sn'), '-A -t 10.1.1.2:80 -s wlc\n');
  assert.deepEqual((await h.listServices()).map((s) => s.key.address), ['10.1.1.2']);
});

test('timeouts: set through the driver, read by ipvsadm and back; 0 leaves a value unchanged', async () => {
  const before = await h.getTimeouts();
  assert.equal(ipvsadm('-Ln', '--timeout'), `Timeout (tcp tcpfin udp): ${before.tcp} ${before.tcpFin} ${before.udp}\n`);
  try {
    await h.setTimeouts({ tcp: 1234, tcpFin: 56, udp: 78 });
    assert.equal(ipvsadm('-Ln', '--timeout'), 'Timeout (tcp tcpfin udp): 1234 56 78\n');
    await h.setTimeouts({ udp: 99 });
    assert.deepEqual(await h.getTimeouts(), { tcp: 1234, tcpFin: 56, udp: 99 });
    ipvsadm('--set', '900', '0', '0');
    assert.deepEqual(await h.getTimeouts(), { tcp: 900, tcpFin: 56, udp: 99 });
  } finally {
    await h.setTimeouts(before);
  }
});

test('zero: counters of real traffic through a local dest are counted, then cleared', async () => {
  // A dest on a local address gets the packet delivered as is (the kernel's LOCALNODE path).
  const vk = tcp('127.0.0.10', 8000);
  const server: Server = createServer((c) => c.end('hi'));
  await new Promise<void>((r) => server.listen(8000, '127.0.0.10', r));
  try {
    await mustApply(h, [{ op: 'addService', service: svc(vk, { scheduler: 'rr' }) }, { op: 'addDest', key: vk, dest: dest('127.0.0.10', 8000) }]);
    const connectOnce = () => new Promise<void>((resolve, reject) => {
      const s = connect(8000, '127.0.0.10', () => s.on('data', () => {}).on('end', () => { s.destroy(); resolve(); }));
      s.on('error', reject);
    });
    for (let i = 0; i < 3; i++) await connectOnce();
    assert.match(ipvsadm('-Ln'), /-> 127\.0\.0\.10:8000 +Route +1 +0 +3 /, 'three finished connections');
    assert.equal((await h.listDests(vk))[0]?.inactConns, 3, 'InActConn read back');
    // The kernel folds per-CPU counters into the exported stats every 2 s (estimator).
    let conns: bigint | undefined;
    for (let i = 0; i < 40 && conns !== 3n; i++) {
      await new Promise((r) => setTimeout(r, 250));
      conns = (await h.listServices())[0]?.stats?.conns;
    }
    assert.equal(conns, 3n, 'three connections counted by the kernel');
    assert.match(ipvsadm('-Ln', '--stats', '--exact'), /TCP  127\.0\.0\.10:8000 +3 /);
    await h.zero(vk);
    assert.equal((await h.listServices())[0]?.stats?.conns, 0n);
    assert.match(ipvsadm('-Ln', '--stats', '--exact'), /TCP  127\.0\.0\.10:8000 +0 /);
    // Zero without a key clears every service.
    await connectOnce();
    for (let i = 0; i < 40 && (await h.listServices())[0]?.stats?.conns !== 1n; i++) await new Promise((r) => setTimeout(r, 250));
    assert.equal((await h.listServices())[0]?.stats?.conns, 1n, 'counted again');
    await h.zero();
    assert.equal((await h.listServices())[0]?.stats?.conns, 0n, 'zero() without a key');
  } finally {
    server.close();
  }
});

test('flush empties the table; writes counts every message sent', async () => {
  const w0 = h.writes;
  await mustApply(h, [{ op: 'addService', service: base }, { op: 'addDest', key: K, dest: dest('127.0.0.2', 80) }]);
  assert.equal(h.writes - w0, 2, 'one write message per op');
  await h.listServices();
  await h.listDests(K);
  assert.equal(h.writes - w0, 2, 'reads are not writes');
  await h.flush();
  assert.equal(h.writes - w0, 3, 'flush is a write');
  assert.equal(ipvsadm('-Sn'), '');
  assert.deepEqual(await h.listServices(), []);
});
