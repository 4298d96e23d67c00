import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryIpvs } from '../../src/ipvs/memory.js';
import { LdError } from '../../src/util/errors.js';
import type { IpvsDest, IpvsOp, IpvsService } from '../../src/ipvs/types.js';

const key = { family: 4, protocol: 'tcp', address: '10.0.0.1', port: 80 } as const;
const svc: IpvsService = { key, scheduler: 'wrr', flags: 1, timeout: 300, netmask: '255.255.255.255' };
const dest = (address: string, over: Partial<IpvsDest> = {}): IpvsDest =>
  ({ address, port: 80, forward: 'masq', weight: 1, upperThreshold: 0, lowerThreshold: 0, ...over });

test('kernel errors: EEXIST, ESRCH, ENOENT, ERANGE; the rest of the batch still applies', async () => {
  const ipvs = new MemoryIpvs();
  const cases: { desc: string; op: IpvsOp; code?: string }[] = [
    { desc: 'add service', op: { op: 'addService', service: svc } },
    { desc: 'duplicate service', op: { op: 'addService', service: svc }, code: 'LD_ERR_IPVS_EXISTS' },
    { desc: 'add dest', op: { op: 'addDest', key, dest: dest('10.1.0.1') } },
    { desc: 'duplicate dest', op: { op: 'addDest', key, dest: dest('10.1.0.1') }, code: 'LD_ERR_IPVS_EXISTS' },
    { desc: 'dest on unknown service', op: { op: 'addDest', key: { ...key, port: 81 }, dest: dest('10.1.0.1') }, code: 'LD_ERR_IPVS_NO_SERVICE' },
    { desc: 'edit unknown dest', op: { op: 'editDest', key, dest: dest('10.1.0.9') }, code: 'LD_ERR_IPVS_NO_DEST' },
    { desc: 'delete unknown dest', op: { op: 'delDest', key, dest: { address: '10.1.0.9', port: 80 } }, code: 'LD_ERR_IPVS_NO_DEST' },
    { desc: 'l > u', op: { op: 'addDest', key, dest: dest('10.1.0.2', { lowerThreshold: 10, upperThreshold: 5 }) }, code: 'LD_ERR_IPVS_INVALID' },
    { desc: 'l > u with u=0 (the kernel has no exception for 0)', op: { op: 'addDest', key, dest: dest('10.1.0.2', { lowerThreshold: 10 }) }, code: 'LD_ERR_IPVS_INVALID' },
    { desc: 'edit dest', op: { op: 'editDest', key, dest: dest('10.1.0.1', { weight: 0 }) } },
    { desc: 'delete unknown service', op: { op: 'delService', key: { family: 4, fwmark: 3 } }, code: 'LD_ERR_IPVS_NO_SERVICE' },
  ];
  const res = await ipvs.apply(cases.map((c) => c.op));
  res.forEach((r, i) => {
    const c = cases[i]!;
    if (c.code) assert.ok(!r.ok && r.error instanceof LdError && r.error.code === c.code, c.desc);
    else assert.ok(r.ok, c.desc);
  });
  assert.equal(ipvs.writes, cases.length);
  assert.deepEqual(ipvs.log.map((o) => o.op), ['addService', 'addDest', 'editDest']);
  const dests = await ipvs.listDests(key);
  assert.deepEqual(dests.map((d) => [d.address, d.weight, d.activeConns]), [['10.1.0.1', 0, 0]]);
});

test('reads mask HASHED; delService removes the dests; listDests of an unknown service is ESRCH', async () => {
  const ipvs = new MemoryIpvs();
  await ipvs.apply([{ op: 'addService', service: svc }, { op: 'addDest', key, dest: dest('10.1.0.1') }]);
  const [s] = await ipvs.listServices();
  assert.equal(s!.flags, 1);
  await ipvs.apply([{ op: 'delService', key }]);
  assert.deepEqual(await ipvs.listServices(), []);
  await assert.rejects(ipvs.listDests(key), (e: unknown) => e instanceof LdError && e.code === 'LD_ERR_IPVS_NO_SERVICE');
});

test('fwmark and IPv6 services are distinct keys; injected failures count as writes but do not apply', async () => {
  let fail = true;
  const ipvs = new MemoryIpvs({ failOp: () => (fail ? new LdError('LD_ERR_IPVS_KERNEL', 'EIO') : undefined) });
  const fw4 = { ...svc, key: { family: 4 as const, fwmark: 7 } };
  const fw6 = { ...svc, key: { family: 6 as const, fwmark: 7 }, netmask: '128' };
  const r1 = await ipvs.apply([{ op: 'addService', service: fw4 }]);
  assert.equal(r1[0]!.ok, false);
  assert.equal((await ipvs.listServices()).length, 0);
  fail = false;
  await ipvs.apply([{ op: 'addService', service: fw4 }, { op: 'addService', service: fw6 }]);
  assert.equal((await ipvs.listServices()).length, 2);
  assert.equal(ipvs.writes, 3);
  await ipvs.close();
  await assert.rejects(ipvs.apply([]), (e: unknown) => e instanceof LdError && e.code === 'LD_ERR_NETLINK_CLOSED');
});

test('IPv6 spellings name one service and one dest, and read back as the kernel prints them', async () => {
  const ipvs = new MemoryIpvs();
  const k6 = { family: 6, protocol: 'tcp', address: '2001:DB8:0:0::1', port: 80 } as const;
  const same = { ...k6, address: '2001:db8::0:1' };
  const d6 = (address: string): IpvsDest => ({ ...dest(address), family: 6 });
  const res = await ipvs.apply([
    { op: 'addService', service: { ...svc, key: k6, netmask: '128' } },
    { op: 'addService', service: { ...svc, key: same, netmask: '128' } },
    { op: 'addDest', key: same, dest: d6('2001:DB8:1:0:0:0:0:A') },
    { op: 'addDest', key: k6, dest: d6('2001:db8:1::a') },
  ]);
  assert.deepEqual(res.map((r) => (r.ok ? 'ok' : r.error.code)), ['ok', 'LD_ERR_IPVS_EXISTS', 'ok', 'LD_ERR_IPVS_EXISTS']);
  const services = await ipvs.listServices();
  assert.deepEqual(services.map((s) => s.key.address), ['2001:db8::1']);
  assert.deepEqual((await ipvs.listDests({ ...k6, address: '2001:db8:0::1' })).map((d) => d.address), ['2001:db8:1::a']);
  const del = await ipvs.apply([{ op: 'delDest', key: k6, dest: { address: '2001:0db8:1::A', port: 80, family: 6 } }]);
  assert.equal(del[0]!.ok, true);
});

test('sync daemons: one per state, kernel defaults filled in, EEXIST / ESRCH / ENODEV as the kernel', async () => {
  const ipvs = new MemoryIpvs({ interfaces: ['eth1'] });
  await ipvs.startDaemon({ state: 'master', mcastIfn: 'eth1', syncId: 3 });
  await assert.rejects(ipvs.startDaemon({ state: 'master', mcastIfn: 'eth1', syncId: 4 }), { code: 'LD_ERR_IPVS_EXISTS' });
  await assert.rejects(ipvs.startDaemon({ state: 'backup', mcastIfn: 'eth9', syncId: 3 }), { code: 'LD_ERR_IPVS_KERNEL', message: /ENODEV/ });
  await ipvs.startDaemon({ state: 'backup', mcastIfn: 'eth1', syncId: 3, mcastGroup: 'ff02::81', mcastPort: 9000 });
  assert.deepEqual(await ipvs.listDaemons(), [
    { state: 'master', mcastIfn: 'eth1', syncId: 3, syncMaxLen: 1472, mcastGroup: '224.0.0.81', mcastPort: 8848, mcastTtl: 1 },
    { state: 'backup', mcastIfn: 'eth1', syncId: 3, syncMaxLen: 1452, mcastGroup: 'ff02::81', mcastPort: 9000, mcastTtl: 1 },
  ]);
  await ipvs.stopDaemon('master');
  await assert.rejects(ipvs.stopDaemon('master'), { code: 'LD_ERR_IPVS_NO_SERVICE' });
  assert.deepEqual((await ipvs.listDaemons()).map((d) => d.state), ['backup']);
  assert.equal(ipvs.writes, 6, 'every start and stop attempt is a write');
});
