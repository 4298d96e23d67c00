// The netlink handle and its transport against a fake kernel socket (fake-netlink.ts): family
// lookup errors, batching and per-op results, the reply window, dumps running alone, deadlines,
// socket errors and reconnects. The real kernel is exercised by test/kernel/ipvs/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openIpvs, type NetlinkIpvs } from '../../src/ipvs/handle.js';
import type { IpvsOp, ServiceKey } from '../../src/ipvs/types.js';
import { isLdError } from '../../src/util/errors.js';
import { ack, data, done, FakeNetlink, kernelLike, nla, u16, u32, type FakeRequest } from './fake-netlink.js';

const key: ServiceKey = { family: 4, protocol: 'tcp', address: '10.0.0.1', port: 80 };
const addDest = (i: number): IpvsOp => ({
  op: 'addDest', key, dest: { address: `10.1.${i >> 8}.${i & 255}`, port: 80, forward: 'route', weight: 1, upperThreshold: 0, lowerThreshold: 0 },
});
const open = (fake: FakeNetlink, o: { timeoutMs?: number; window?: number; quietWrites?: boolean } = {}): Promise<NetlinkIpvs> =>
  openIpvs({ socketFactory: fake.factory, timeoutMs: o.timeoutMs ?? 2000, window: o.window ?? 128, quietWrites: o.quietWrites ?? true });

test('family IPVS not found -> LD_ERR_IPVS_UNAVAILABLE with the modprobe hint; socket closed', async () => {
  const fake = new FakeNetlink();
  fake.respond = (r) => [ack(r, 2)];
  await assert.rejects(open(fake), { code: 'LD_ERR_IPVS_UNAVAILABLE', message: 'IPVS not available: load the ip_vs module (modprobe ip_vs)' });
  assert.equal(fake.closed, 1);
});

test('EPERM on the first IPVS command -> LD_ERR_IPVS_PERMISSION', async () => {
  const fake = new FakeNetlink();
  fake.respond = (r) => (r.type === 0x10 ? kernelLike(r) : [ack(r, 1)]);
  await assert.rejects(open(fake), { code: 'LD_ERR_IPVS_PERMISSION', message: 'IPVS needs CAP_NET_ADMIN (run as root)' });
});

test('a socket that cannot be opened is a typed error, not a crash', async () => {
  await assert.rejects(openIpvs({ socketFactory: () => { throw new Error('EMFILE'); } }), { code: 'LD_ERR_NETLINK_CLOSED' });
});

test('apply: many ops per datagram, one result per op, failures in the middle, window respected', async () => {
  const fake = new FakeNetlink();
  const h = await open(fake);
  const ops = Array.from({ length: 1000 }, (_, i) => addDest(i));
  const errs = new Map([[5, 17], [7, 2], [500, 34], [999, 22]]);
  let n = 0;
  fake.respond = (r) => [ack(r, errs.get(n++) ?? 0)];
  const res = await h.apply(ops);
  assert.equal(res.length, 1000);
  const failed = res.flatMap((r, i) => (r.ok ? [] : [[i, r.error.code]]));
  assert.deepEqual(failed, [[5, 'LD_ERR_IPVS_EXISTS'], [7, 'LD_ERR_IPVS_NO_DEST'], [500, 'LD_ERR_IPVS_INVALID'], [999, 'LD_ERR_IPVS_INVALID']]);
  const r7 = res[7]!;
  assert.ok(!r7.ok && /addDest tcp 10\.0\.0\.1:80 -> 10\.1\.0\.7:80: No such destination \(ENOENT\)/.test(r7.error.message));
  assert.equal(h.writes, 1000);
  const batches = fake.datagrams.slice(2); // family lookup, GET_INFO
  assert.ok(batches.length >= 1000 / 64 && batches.length < 100, `${batches.length} datagrams`);
  assert.ok(batches.every((d) => d.length <= 64));
  assert.ok(fake.maxInFlight <= 128, `max in flight ${fake.maxInFlight}`);
  assert.equal(new Set(batches.flat().map((r) => r.seq)).size, 1000);
  await h.close();
});

test('the window shrinks to what the granted SO_RCVBUF can hold', async () => {
  const fake = new FakeNetlink();
  fake.rcvbuf = 65536;
  const h = await open(fake);
  assert.equal(h.window, 32);
  await h.apply(Array.from({ length: 300 }, (_, i) => addDest(i)));
  assert.ok(fake.maxInFlight <= 32, `max in flight ${fake.maxInFlight}`);
  await h.close();
});

test('replies that arrive after the send callback work too', async () => {
  const fake = new FakeNetlink();
  fake.repliesBeforeSendCallback = false;
  const h = await open(fake);
  assert.ok((await h.apply([addDest(1), addDest(2)])).every((r) => r.ok));
  await h.close();
});

test('invalid input fails that op without a round trip; the rest apply', async () => {
  const fake = new FakeNetlink();
  const h = await open(fake);
  const bad: IpvsOp = { op: 'delService', key: { ...key, address: '10.0.0.300' } };
  const res = await h.apply([addDest(1), bad, addDest(2)]);
  assert.deepEqual(res.map((r) => (r.ok ? 'ok' : r.error.code)), ['ok', 'LD_ERR_IPVS_INVALID', 'ok']);
  assert.equal(h.writes, 2);
  await h.close();
});

const svcAttrs = (port: number): Buffer => nla(1, Buffer.concat([nla(1, u16(2)), nla(2, u16(6)),
  nla(3, Buffer.from([10, 0, 0, 1, ...new Array(12).fill(0)])), nla(4, Buffer.from([port >> 8, port & 255])),
  nla(6, Buffer.from('rr\0')), nla(7, Buffer.from('0200000000000000', 'hex')), nla(8, u32(0)), nla(9, Buffer.from('ffffffff', 'hex'))]));

test('dumps: entries over several datagrams, and a dump never shares the socket with other requests', async () => {
  const fake = new FakeNetlink();
  const h = await open(fake);
  fake.respond = (r: FakeRequest) => {
    if (r.cmd === 4) return [Buffer.concat([data(r, 1, svcAttrs(80), true), data(r, 1, svcAttrs(81), true)]), Buffer.concat([data(r, 1, svcAttrs(82), true), done(r)])];
    if (r.cmd === 8) return [done(r)];
    return [ack(r)];
  };
  const [svcs, dests, res, svcs2] = await Promise.all([h.listServices(), h.listDests(key), h.apply(Array.from({ length: 200 }, (_, i) => addDest(i))), h.listServices()]);
  assert.deepEqual(svcs.map((s) => s.key.port), [80, 81, 82]);
  assert.deepEqual(svcs2, svcs);
  assert.equal(svcs[0]!.flags, 0, 'HASHED masked');
  assert.deepEqual(dests, []);
  assert.ok(res.every((r) => r.ok));
  assert.equal(fake.dumpOverlaps, 0);
  await h.close();
});

test('a dump error (NLMSG_ERROR or DONE with errno) is thrown typed', async () => {
  const fake = new FakeNetlink();
  const h = await open(fake);
  fake.respond = (r) => [ack(r, 1)];
  await assert.rejects(h.listServices(), { code: 'LD_ERR_IPVS_PERMISSION' });
  fake.respond = (r) => [done(r, 3)];
  await assert.rejects(h.listDests(key), { code: 'LD_ERR_IPVS_NO_SERVICE' });
  await h.close();
});

test('one lost reply -> LD_ERR_NETLINK_TIMEOUT for that op only; the socket is replaced', async () => {
  // Every write asks for its ACK here, so one lost reply concerns one op (quiet writes: below).
  const fake = new FakeNetlink();
  const h = await open(fake, { timeoutMs: 150, window: 8, quietWrites: false });
  let n = 0;
  fake.respond = (r) => (n++ === 10 ? 'drop' : [ack(r)]);
  const res = await h.apply(Array.from({ length: 40 }, (_, i) => addDest(i)));
  assert.deepEqual(res.flatMap((r, i) => (r.ok ? [] : [[i, r.error.code]])), [[10, 'LD_ERR_NETLINK_TIMEOUT']]);
  assert.equal(fake.closed, 1, 'the socket is dropped so the late reply cannot match a future seq');
  fake.respond = kernelLike;
  assert.equal((await h.info()).version, '1.2.1');
  assert.equal(fake.opened, 2);
  await h.close();
});

test('a kernel that stops answering -> pending and unsent ops time out; nothing more is pushed', async () => {
  const fake = new FakeNetlink();
  const h = await open(fake, { timeoutMs: 150, window: 8, quietWrites: false });
  let n = 0;
  fake.respond = (r) => (n++ >= 10 ? 'drop' : [ack(r)]);
  const res = await h.apply(Array.from({ length: 40 }, (_, i) => addDest(i)));
  const codes = res.map((r) => (r.ok ? 'ok' : r.error.code));
  assert.ok(codes.slice(0, 10).every((c) => c === 'ok'), codes.join());
  assert.ok(codes.slice(10).every((c) => c === 'LD_ERR_NETLINK_TIMEOUT'), codes.join());
  assert.ok(fake.datagrams.slice(2).flat().length <= 10 + 8, 'at most one window beyond the last answer');
  await h.close();
});

test('a dump that stalls mid-way times out', async () => {
  const fake = new FakeNetlink();
  const h = await open(fake, { timeoutMs: 100 });
  fake.respond = (r) => (r.cmd === 4 ? [data(r, 1, svcAttrs(80), true)] : [ack(r)]);
  await assert.rejects(h.listServices(), { code: 'LD_ERR_NETLINK_TIMEOUT' });
  await h.close();
});

test('socket error (ENOBUFS) fails pending requests with LD_ERR_NETLINK_CLOSED, then reconnects', async () => {
  const fake = new FakeNetlink();
  const h = await open(fake, { timeoutMs: 2000 });
  fake.respond = () => 'drop';
  const pending = h.apply([addDest(1), addDest(2)]);
  setTimeout(() => fake.emitError(Object.assign(new Error('recvmsg: No buffer space available'), { code: 'ENOBUFS' })), 20);
  const res = await pending;
  assert.ok(res.every((r) => !r.ok && r.error.code === 'LD_ERR_NETLINK_CLOSED' && /No buffer space/.test(r.error.message)));
  fake.respond = kernelLike;
  assert.ok((await h.apply([addDest(3)]))[0]!.ok);
  assert.equal(fake.opened, 2);
  await h.close();
});

test('a failed send (EMSGSIZE) is LD_ERR_NETLINK_CLOSED for that batch only', async () => {
  const fake = new FakeNetlink();
  const h = await open(fake);
  fake.failNextSend = Object.assign(new Error('sendmsg: Message too long'), { code: 'EMSGSIZE' });
  const res = await h.apply([addDest(1)]);
  assert.ok(!res[0]!.ok && res[0]!.error.code === 'LD_ERR_NETLINK_CLOSED');
  assert.ok((await h.apply([addDest(1)]))[0]!.ok);
  await h.close();
});

test('close fails pending work and refuses new work; the socket is unref\'d when idle', async () => {
  const fake = new FakeNetlink();
  const h = await open(fake);
  assert.equal(fake.refs, 0, 'no ref held while idle');
  fake.respond = () => 'drop';
  const pending = h.listServices();
  await new Promise((r) => setTimeout(r, 10));
  assert.equal(fake.refs, 1, 'ref held while a job runs');
  await h.close();
  await assert.rejects(pending, { code: 'LD_ERR_NETLINK_CLOSED' });
  await assert.rejects(h.info(), { code: 'LD_ERR_NETLINK_CLOSED' });
  const res = await h.apply([addDest(1)]);
  assert.ok(!res[0]!.ok && isLdError(res[0]!.error, 'LD_ERR_NETLINK_CLOSED'));
});

test('timeouts, flush, zero and daemons go out as single commands', async () => {
  const fake = new FakeNetlink();
  const h = await open(fake);
  fake.respond = (r) => (r.cmd === 13
    ? [Buffer.concat([data(r, 12, Buffer.concat([nla(4, u32(900)), nla(5, u32(120)), nla(6, u32(300))])), ack(r)])]
    : r.cmd === 11 ? [Buffer.concat([data(r, 9, nla(3, Buffer.concat([nla(1, u32(1)), nla(2, Buffer.from('eth0\0')), nla(3, u32(4))])), true), done(r)])]
      : [ack(r)]);
  assert.deepEqual(await h.getTimeouts(), { tcp: 900, tcpFin: 120, udp: 300 });
  await h.setTimeouts({ udp: 5 });
  await h.flush();
  await h.zero();
  await h.zero(key);
  await h.startDaemon({ state: 'backup', mcastIfn: 'eth0', syncId: 4 });
  await h.stopDaemon('backup');
  assert.deepEqual(await h.listDaemons(), [{ state: 'master', mcastIfn: 'eth0', syncId: 4 }]);
  assert.deepEqual(fake.datagrams.slice(2).map((d) => d.map((r) => r.cmd)), [[13], [12], [17], [16], [16], [9], [10], [11]]);
  assert.equal(h.writes, 6, 'reads are not writes');
  await h.close();
});

test('close while the socket is being (re)opened: the job fails closed, nothing is sent, the new socket is closed', async () => {
  const fake = new FakeNetlink();
  // eslint-disable-next-line prefer-const -- the factory reads it (as undefined) before it is assigned
  let gate: Promise<void> | undefined;
  let release!: () => void;
  // Like the real factory (it awaits import('netlink')), opening takes a while.
  const h = await openIpvs({ timeoutMs: 2000, window: 128, socketFactory: async (ev) => { await gate; return fake.factory(ev); } });
  fake.emitError(new Error('recvmsg: No buffer space available')); // drops the socket; the next job reopens
  gate = new Promise<void>((r) => { release = r; });
  const sentBefore = fake.datagrams.length;
  const pending = h.apply([addDest(1)]);
  await new Promise((r) => setImmediate(r));
  await h.close();
  release();
  const res = await pending;
  assert.ok(!res[0]!.ok && res[0]!.error.code === 'LD_ERR_NETLINK_CLOSED', JSON.stringify(res));
  assert.equal(fake.datagrams.length, sentBefore, 'nothing sent after close');
  assert.equal(fake.opened, 2);
  assert.equal(fake.closed, 2, 'the socket opened during close is closed too');
});
