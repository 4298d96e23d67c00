// Decoding kernel replies: hand-built datagrams shaped like what ip_vs_genl_fill_* emits
// (16-byte addresses, HASHED flag set, NLA_F_NESTED on nests, u64 counters with PAD attributes,
// several messages per datagram ending in NLMSG_DONE).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeConfig, decodeDaemon, decodeDest, decodeInfo, decodeService } from '../../src/ipvs/codec.js';
import { decodeMessages, parseAttrs } from '../../src/ipvs/netlink.js';

// Independent of the codec's Attrs writer on purpose: lengths computed here, padded to 4.
const nla = (type: number, payload: Buffer): Buffer => {
  const len = 4 + payload.length;
  const b = Buffer.alloc((len + 3) & ~3);
  b.writeUInt16LE(len, 0); b.writeUInt16LE(type, 2); payload.copy(b, 4);
  return b;
};
const h = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const u16 = (v: number): Buffer => { const b = Buffer.alloc(2); b.writeUInt16LE(v); return b; };
const be16 = (v: number): Buffer => { const b = Buffer.alloc(2); b.writeUInt16BE(v); return b; };
const u32 = (v: number): Buffer => { const b = Buffer.alloc(4); b.writeUInt32LE(v); return b; };
const u64 = (v: bigint): Buffer => { const b = Buffer.alloc(8); b.writeBigUInt64LE(v); return b; };
const nest = (type: number, ...kids: Buffer[]): Buffer => nla(type | 0x8000, Buffer.concat(kids));
const msg = (type: number, flags: number, seq: number, body: Buffer): Buffer => {
  const hdr = Buffer.alloc(16);
  hdr.writeUInt32LE(16 + body.length, 0); hdr.writeUInt16LE(type, 4); hdr.writeUInt16LE(flags, 6); hdr.writeUInt32LE(seq, 8); hdr.writeUInt32LE(4242, 12);
  return Buffer.concat([hdr, body, Buffer.alloc(((body.length + 3) & ~3) - body.length)]);
};
const genl = (cmd: number, attrs: Buffer): Buffer => Buffer.concat([Buffer.of(cmd, 1, 0, 0), attrs]);

const stats32 = nest(10, nla(1, u32(5)), nla(2, u32(60)), nla(3, u32(40)), nla(11, Buffer.alloc(0)), nla(4, u64(9000n)),
  nla(5, u64(12000n)), nla(6, u32(1)), nla(7, u32(2)), nla(8, u32(3)), nla(9, u32(4)), nla(10, u32(5)));
const stats64 = nest(12, nla(1, u64(5n)), nla(2, u64(2n ** 40n)), nla(3, u64(40n)), nla(4, u64(2n ** 63n)),
  nla(5, u64(12000n)), nla(6, u64(1n)), nla(7, u64(2n)), nla(8, u64(3n)), nla(9, u64(4n)), nla(10, u64(5n)));
const addr16v4 = h('0a000001 00000000 00000000 00000000');

const svcTcp = nest(1, nla(1, u16(2)), nla(2, u16(6)), nla(3, addr16v4), nla(4, be16(80)), nla(6, Buffer.from('wlc\0')),
  nla(7, h('03000000 ffffffff')), nla(8, u32(300)), nla(9, h('ffffff00')), stats32, stats64);
const svcFwm6 = nest(1, nla(1, u16(10)), nla(5, u32(100)), nla(6, Buffer.from('sh\0')), nla(11, Buffer.from('sip\0')),
  nla(7, h('12000000 ffffffff')), nla(8, u32(0)), nla(9, u32(64)), stats32);

test('a GET_SERVICE dump datagram splits into MULTI messages and DONE', () => {
  const dgram = Buffer.concat([msg(28, 2, 9, genl(1, svcTcp)), msg(28, 2, 9, genl(1, svcFwm6)), msg(3, 2, 9, u32(0))]);
  const msgs = decodeMessages(dgram);
  assert.deepEqual(msgs.map((m) => [m.kind, m.seq, m.flags]), [['data', 9, 2], ['data', 9, 2], ['done', 9, 2]]);
  const [a, b] = msgs.map((m) => (m.kind === 'data' ? decodeService(m.attrs) : undefined));
  assert.deepEqual(a, {
    key: { family: 4, protocol: 'tcp', address: '10.0.0.1', port: 80 },
    scheduler: 'wlc', flags: 1, timeout: 300, netmask: '255.255.255.0',
    stats: { conns: 5n, inPkts: 2n ** 40n, outPkts: 40n, inBytes: 2n ** 63n, outBytes: 12000n, cps: 1n, inPps: 2n, outPps: 3n, inBps: 4n, outBps: 5n },
  });
  assert.deepEqual(b, {
    key: { family: 6, fwmark: 100 }, scheduler: 'sh', flags: 0x10, timeout: 0, netmask: '64', peName: 'sip',
    stats: { conns: 5n, inPkts: 60n, outPkts: 40n, inBytes: 9000n, outBytes: 12000n, cps: 1n, inPps: 2n, outPps: 3n, inBps: 4n, outBps: 5n },
  });
});

const destCases: { desc: string; attrs: Buffer[]; svcFamily: 4 | 6; want: object }[] = [
  {
    desc: 'v4 route dest, tunnel attrs of a non-tunnel dest dropped', svcFamily: 4,
    attrs: [nla(1, h('7f000002 00000000 00000000 00000000')), nla(2, be16(80)), nla(3, u32(3)), nla(4, u32(5)), nla(5, u32(0)), nla(6, u32(0)),
      nla(7, u32(3)), nla(8, u32(10)), nla(9, u32(1)), nla(11, u16(2)), nla(13, Buffer.of(0)), nla(14, be16(0)), nla(15, u16(0))],
    want: { address: '127.0.0.2', port: 80, family: 4, forward: 'route', weight: 5, upperThreshold: 0, lowerThreshold: 0, activeConns: 3, inactConns: 10, persistConns: 1 },
  },
  {
    desc: 'v6 tunnel gue dest keeps tunnel attrs', svcFamily: 6,
    attrs: [nla(1, h('20010db8 00000000 00000000 00000002')), nla(2, be16(53)), nla(3, u32(2)), nla(4, u32(1)), nla(5, u32(100)), nla(6, u32(10)),
      nla(7, u32(0)), nla(8, u32(0)), nla(9, u32(0)), nla(11, u16(10)), nla(13, Buffer.of(1)), nla(14, be16(6080)), nla(15, u16(1))],
    want: { address: '2001:db8::2', port: 53, family: 6, forward: 'tunnel', weight: 1, upperThreshold: 100, lowerThreshold: 10,
      tunType: 'gue', tunPort: 6080, tunFlags: 1, activeConns: 0, inactConns: 0, persistConns: 0 },
  },
  {
    desc: 'no ADDR_FAMILY (pre-3.18): the service family; masq; local', svcFamily: 4,
    attrs: [nla(1, h('c0a80001 00000000 00000000 00000000')), nla(2, be16(8080)), nla(3, u32(0)), nla(4, u32(0)), nla(5, u32(0)), nla(6, u32(0))],
    want: { address: '192.168.0.1', port: 8080, family: 4, forward: 'masq', weight: 0, upperThreshold: 0, lowerThreshold: 0, activeConns: 0, inactConns: 0, persistConns: 0 },
  },
  {
    desc: 'v4 dest in a v6 service (mixed family tunnel)', svcFamily: 6,
    attrs: [nla(1, h('c0000207 00000000 00000000 00000000')), nla(2, be16(0)), nla(3, u32(2)), nla(4, u32(7)), nla(5, u32(0)), nla(6, u32(0)),
      nla(11, u16(2)), nla(13, Buffer.of(2)), nla(14, be16(0)), nla(15, u16(2))],
    want: { address: '192.0.2.7', port: 0, family: 4, forward: 'tunnel', weight: 7, upperThreshold: 0, lowerThreshold: 0,
      tunType: 'gre', tunPort: 0, tunFlags: 2, activeConns: 0, inactConns: 0, persistConns: 0 },
  },
];
for (const c of destCases) {
  test(`decode dest: ${c.desc}`, () => {
    const [m] = decodeMessages(msg(28, 2, 3, genl(5, nest(2, ...c.attrs))));
    assert.ok(m && m.kind === 'data' && m.cmd === 5);
    assert.deepEqual(decodeDest(m.attrs, c.svcFamily), c.want);
  });
}

test('decode dest with stats64', () => {
  const d = decodeDest(nest(2, nla(1, addr16v4), nla(2, be16(1)), nla(3, u32(0)), nla(4, u32(1)), nla(5, u32(0)), nla(6, u32(0)), stats64), 4);
  assert.equal(d.stats?.inBytes, 2n ** 63n);
});

test('NLMSG_ERROR: ack (0) and errno with the echoed request', () => {
  const echoed = h('14000000 1c000500 07000000 00000000 0f010000');
  const dgram = Buffer.concat([msg(2, 0x100, 7, Buffer.concat([u32(0), echoed.subarray(0, 16)])),
    msg(2, 0, 8, Buffer.concat([h('feffffff'), echoed]))]);
  assert.deepEqual(decodeMessages(dgram), [
    { kind: 'error', seq: 7, pid: 4242, flags: 0x100, errno: 0 },
    { kind: 'error', seq: 8, pid: 4242, flags: 0, errno: 2 },
  ]);
});

test('NLMSG_DONE carrying a dump error', () => {
  assert.deepEqual(decodeMessages(msg(3, 2, 5, h('f3ffffff'))), [{ kind: 'done', seq: 5, pid: 4242, flags: 2, errno: 13 }]);
});

test('info, config and daemon replies', () => {
  assert.deepEqual(decodeInfo(Buffer.concat([nla(1, u32(0x010201)), nla(2, u32(4096))])), { version: '1.2.1', connTabSize: 4096 });
  assert.deepEqual(decodeConfig(Buffer.concat([nla(4, u32(900)), nla(5, u32(120)), nla(6, u32(300))])), { tcp: 900, tcpFin: 120, udp: 300 });
  assert.deepEqual(decodeDaemon(nest(3, nla(1, u32(2)), nla(2, Buffer.from('eth1\0')), nla(3, u32(4)), nla(4, u16(1472)),
    nla(5, h('e0000051')), nla(6, Buffer.alloc(16)), nla(7, u16(8848)), nla(8, Buffer.of(2)))),
  { state: 'backup', mcastIfn: 'eth1', syncId: 4, syncMaxLen: 1472, mcastGroup: '224.0.0.81', mcastPort: 8848, mcastTtl: 2 });
});

test('malformed input is a typed error, not a crash', () => {
  assert.throws(() => decodeMessages(h('ff000000 1c000000 00000000 00000000')), { code: 'LD_ERR_NETLINK_MALFORMED' });
  assert.throws(() => parseAttrs(h('0800 0100 0000')), { code: 'LD_ERR_NETLINK_MALFORMED' });
  assert.throws(() => decodeService(nla(2, Buffer.alloc(0))), { code: 'LD_ERR_NETLINK_MALFORMED' });
  assert.throws(() => decodeService(nest(1, nla(1, u16(7)))), { code: 'LD_ERR_NETLINK_MALFORMED' });
});

test('a daemon entry without a known state or an interface is a typed error', () => {
  const cases = [
    { desc: 'no daemon nest', attrs: nla(1, u32(1)) },
    { desc: 'no state', attrs: nest(3, nla(2, Buffer.from('eth1\0')), nla(3, u32(4))) },
    { desc: 'state NONE', attrs: nest(3, nla(1, u32(0)), nla(2, Buffer.from('eth1\0'))) },
    { desc: 'unknown state 3', attrs: nest(3, nla(1, u32(3)), nla(2, Buffer.from('eth1\0'))) },
    { desc: 'state too short', attrs: nest(3, nla(1, u16(1)), nla(2, Buffer.from('eth1\0'))) },
    { desc: 'no interface', attrs: nest(3, nla(1, u32(1)), nla(3, u32(4))) },
    { desc: 'empty interface', attrs: nest(3, nla(1, u32(1)), nla(2, Buffer.from('\0'))) },
  ];
  for (const c of cases) assert.throws(() => decodeDaemon(c.attrs), { code: 'LD_ERR_NETLINK_MALFORMED' }, c.desc);
});
