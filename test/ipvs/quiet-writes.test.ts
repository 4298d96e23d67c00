// Quiet writes (src/ipvs/socket.ts): apply() frames its writes without NLM_F_ACK and the transport
// sets the flag on the last message of each datagram. The fake kernel (fake-netlink.ts) answers as
// netlink_rcv_skb does: a success only when NLM_F_ACK asks for it, every error always. What must
// hold: one result per op, each failure on its own op, a datagram of successes costs one reply,
// and a lost closing reply leaves the fate of its datagram unknown (typed timeout), never "ok".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openIpvs, type NetlinkIpvs } from '../../src/ipvs/handle.js';
import type { IpvsOp, ServiceKey } from '../../src/ipvs/types.js';
import { ack, FakeNetlink, kernelLike, type FakeRequest } from './fake-netlink.js';

const ACK = 0x4;
const key: ServiceKey = { family: 4, protocol: 'tcp', address: '10.0.0.1', port: 80 };
const addDest = (i: number): IpvsOp => ({
  op: 'addDest', key, dest: { address: `10.1.${i >> 8}.${i & 255}`, port: 80, forward: 'route', weight: 1, upperThreshold: 0, lowerThreshold: 0 },
});
const open = (fake: FakeNetlink, o: { timeoutMs?: number; window?: number; quietWrites?: boolean } = {}): Promise<NetlinkIpvs> =>
  openIpvs({ socketFactory: fake.factory, timeoutMs: o.timeoutMs ?? 2000, window: o.window ?? 128, ...(o.quietWrites === undefined ? {} : { quietWrites: o.quietWrites }) });
/** failures answers the ops at these indexes (counted from the first write) with an errno. */
const failures = (errs: Map<number, number>): ((r: FakeRequest) => Buffer[]) => {
  let n = 0;
  return (r) => [ack(r, errs.get(n++) ?? 0)];
};
const failedOf = (res: readonly { ok: boolean; error?: { code: string } }[]): [number, string][] =>
  res.flatMap((r, i) => (r.ok ? [] : [[i, r.error!.code] as [number, string]]));

test('quiet writes: one result per op, failures on their own op, one reply per datagram of successes', async () => {
  const fake = new FakeNetlink();
  const h = await open(fake);
  fake.replyDatagrams = 0;
  fake.respond = failures(new Map([[5, 17], [7, 2], [500, 34], [999, 22]]));
  const res = await h.apply(Array.from({ length: 1000 }, (_, i) => addDest(i)));
  assert.equal(res.length, 1000);
  assert.deepEqual(failedOf(res), [[5, 'LD_ERR_IPVS_EXISTS'], [7, 'LD_ERR_IPVS_NO_DEST'], [500, 'LD_ERR_IPVS_INVALID'], [999, 'LD_ERR_IPVS_INVALID']]);
  const batches = fake.datagrams.slice(2); // family lookup, GET_INFO
  for (const d of batches) {
    assert.ok(d.slice(0, -1).every((r) => (r.flags & ACK) === 0), 'no ACK asked before the last message');
    assert.ok((d[d.length - 1]!.flags & ACK) !== 0, 'the last message of every datagram asks for the ACK');
  }
  // Replies read: one closing ACK per datagram plus one error per failure not on a closer.
  const closers = new Set(batches.map((d) => d[d.length - 1]!.seq));
  const seqOf = batches.flat().map((r) => r.seq);
  const extraErrors = [5, 7, 500, 999].filter((i) => !closers.has(seqOf[i]!)).length;
  assert.equal(fake.replyDatagrams, batches.length + extraErrors);
  assert.ok(fake.replyDatagrams < 1000 / 10, `${fake.replyDatagrams} replies for 1000 writes`);
  assert.ok(fake.maxInFlight <= 128);
  assert.equal(h.writes, 1000);
  await h.close();
});

test('quiet writes: the closing message failing fails only itself', async () => {
  const fake = new FakeNetlink();
  const h = await open(fake, { window: 8 }); // 4 messages per datagram
  fake.respond = failures(new Map([[3, 17], [7, 17]]));
  const res = await h.apply(Array.from({ length: 12 }, (_, i) => addDest(i)));
  assert.deepEqual(fake.datagrams.slice(2).map((d) => d.length), [4, 4, 4]);
  assert.deepEqual(failedOf(res), [[3, 'LD_ERR_IPVS_EXISTS'], [7, 'LD_ERR_IPVS_EXISTS']]);
  await h.close();
});

test('quiet writes: a lost closing reply times out its whole datagram (fate unknown), the rest are answered', async () => {
  const fake = new FakeNetlink();
  const h = await open(fake, { timeoutMs: 150, window: 8 });
  let n = 0;
  // Datagrams of 4: ops 4-7 are the second; op 5 fails, the reply of op 7 (its closer) is lost.
  fake.respond = (r) => { const i = n++; return i === 7 ? 'drop' : [ack(r, i === 5 ? 2 : 0)]; };
  const res = await h.apply(Array.from({ length: 12 }, (_, i) => addDest(i)));
  const codes = res.map((r) => (r.ok ? 'ok' : r.error.code));
  assert.deepEqual(codes.slice(0, 4), ['ok', 'ok', 'ok', 'ok']);
  assert.deepEqual(codes.slice(4, 8), ['LD_ERR_NETLINK_TIMEOUT', 'LD_ERR_IPVS_NO_DEST', 'LD_ERR_NETLINK_TIMEOUT', 'LD_ERR_NETLINK_TIMEOUT']);
  // The third datagram went out when the first was answered, and its own closer answered it.
  assert.deepEqual(codes.slice(8), ['ok', 'ok', 'ok', 'ok']);
  assert.equal(fake.closed, 1, 'the socket is dropped so the late reply cannot match a future seq');
  fake.respond = kernelLike;
  assert.deepEqual(failedOf(await h.apply([addDest(1)])), []);
  assert.equal(fake.opened, 2);
  await h.close();
});

test('quietWrites: false asks for every ACK; single commands always do', async () => {
  const fake = new FakeNetlink();
  const h = await open(fake, { quietWrites: false });
  await h.apply(Array.from({ length: 10 }, (_, i) => addDest(i)));
  assert.ok(fake.datagrams.slice(2).flat().every((r) => (r.flags & ACK) !== 0));
  await h.close();
  const fake2 = new FakeNetlink();
  const h2 = await open(fake2);
  await h2.flush();
  await h2.setTimeouts({ tcp: 900 });
  assert.ok(fake2.datagrams.slice(2).flat().every((r) => (r.flags & ACK) !== 0));
  await h2.close();
});
