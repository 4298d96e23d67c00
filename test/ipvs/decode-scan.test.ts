// The dump path reads attributes in place (scanAttrs) instead of building a map of views per
// attribute; these tests pin that it keeps parseAttrs' semantics: order, last one wins, short
// payloads count as absent, malformed lists fail with LD_ERR_NETLINK_MALFORMED.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeDest, decodeDestNest, decodeStats } from '../../src/ipvs/decode.js';
import { lastAttr, parseAttrs, scanAttrs } from '../../src/ipvs/netlink.js';
import { sortDests } from '../../src/ipvs/sort.js';
import type { IpvsDest } from '../../src/ipvs/types.js';

const nla = (type: number, payload: Buffer): Buffer => {
  const len = 4 + payload.length;
  const b = Buffer.alloc((len + 3) & ~3);
  b.writeUInt16LE(len, 0); b.writeUInt16LE(type, 2); payload.copy(b, 4);
  return b;
};
const u16 = (v: number): Buffer => { const b = Buffer.alloc(2); b.writeUInt16LE(v); return b; };
const be16 = (v: number): Buffer => { const b = Buffer.alloc(2); b.writeUInt16BE(v); return b; };
const u32 = (v: number): Buffer => { const b = Buffer.alloc(4); b.writeUInt32LE(v); return b; };
const u64 = (v: bigint): Buffer => { const b = Buffer.alloc(8); b.writeBigUInt64LE(v); return b; };
const addr = (a: string): Buffer => { const b = Buffer.alloc(16); a.split('.').forEach((x, i) => { b[i] = Number(x); }); return b; };

test('scanAttrs visits every attribute in order with payload offsets inside the range', () => {
  const list = Buffer.concat([nla(1, u32(7)), nla(2 | 0x8000, Buffer.from('ab')), nla(1, u16(9))]);
  const framed = Buffer.concat([Buffer.alloc(8, 0xee), list, Buffer.alloc(4, 0xee)]);
  const seen: [number, number, number][] = [];
  scanAttrs(framed, 8, 8 + list.length, (t, off, len) => seen.push([t, off, len]));
  // NLA_F_NESTED is masked off, as parseAttrs does; offsets point into `framed`.
  assert.deepEqual(seen, [[1, 12, 4], [2, 20, 2], [1, 28, 2]]);
  assert.equal(framed.readUInt32LE(12), 7);
  // Same view of the list as the map, last one wins.
  assert.deepEqual(lastAttr(list, 1), parseAttrs(list).get(1));
  assert.equal(lastAttr(list, 3), undefined);
});

test('scanAttrs rejects an attribute running past the range, with the offset inside it', () => {
  const bad = Buffer.concat([Buffer.alloc(4), nla(1, u32(1)), Buffer.from('10000100', 'hex')]);
  assert.throws(() => scanAttrs(bad, 4, bad.length, () => {}), { code: 'LD_ERR_NETLINK_MALFORMED', message: /offset 8 \(len 16, 12 bytes\)/ });
  assert.throws(() => scanAttrs(Buffer.from('02000100', 'hex'), 0, 4, () => {}), { code: 'LD_ERR_NETLINK_MALFORMED' });
});

test('a dest nest: repeated attributes take the last one, a short WEIGHT counts as absent', () => {
  const nest = Buffer.concat([
    nla(1, addr('10.0.0.9')), nla(1, addr('10.0.0.7')), nla(11, u16(2)), nla(2, be16(8080)), nla(3, u32(2)),
    nla(4, u32(5)), nla(5, u32(100)), nla(6, u32(10)), nla(7, u32(3)), nla(8, u32(4)), nla(9, u32(1)),
    nla(13, Buffer.of(1)), nla(14, be16(6080)), nla(15, u16(1)),
  ]);
  const d = decodeDestNest(nest, 4);
  assert.deepEqual(d, {
    address: '10.0.0.7', port: 8080, family: 4, forward: 'tunnel', weight: 5, upperThreshold: 100, lowerThreshold: 10,
    tunType: 'gue', tunPort: 6080, tunFlags: 1, activeConns: 3, inactConns: 4, persistConns: 1,
  });
  const shortWeight = Buffer.concat([nla(1, addr('10.0.0.7')), nla(2, be16(80)), nla(3, u32(3)), nla(4, u32(5)), nla(4, u16(1))]);
  assert.equal(decodeDestNest(shortWeight, 4).weight, 0);
  assert.throws(() => decodeDestNest(Buffer.concat([nla(1, u16(1)), nla(2, be16(80))]), 4), { code: 'LD_ERR_NETLINK_MALFORMED' });
});

test('dest stats: STATS64 wins over STATS, STATS alone keeps its mixed widths, last counter wins', () => {
  const base = [nla(1, addr('10.0.0.7')), nla(2, be16(80)), nla(3, u32(3)), nla(4, u32(1))];
  const s32 = nla(10, Buffer.concat([nla(1, u32(5)), nla(4, u64(9000n)), nla(1, u32(6))]));
  const s64 = nla(12, Buffer.concat([nla(1, u64(2n ** 40n)), nla(11, Buffer.alloc(0)), nla(5, u64(7n))]));
  const both = decodeDest(nla(2, Buffer.concat([...base, s64, s32])), 4);
  assert.equal(both.stats?.conns, 2n ** 40n);
  assert.equal(both.stats?.outBytes, 7n);
  const only32 = decodeDest(nla(2, Buffer.concat([...base, s32])), 4);
  assert.deepEqual(only32.stats, decodeStats(s32.subarray(4)));
  assert.equal(only32.stats?.conns, 6n);
  assert.equal(only32.stats?.inBytes, 9000n);
  assert.equal(only32.stats?.cps, 0n);
  assert.equal(decodeDest(nla(2, Buffer.concat(base)), 4).stats, undefined);
});

test('sortDests reads dotted quads in place: edge octets, port ties, bad text still refused', () => {
  const mk = (address: string, port = 80): IpvsDest => ({ address, port, forward: 'route', weight: 1, upperThreshold: 0, lowerThreshold: 0 });
  const out = sortDests([mk('10.0.0.2', 81), mk('0.0.0.0'), mk('10.0.0.2', 80), mk('10.0.0.1'), mk('0.0.0.1')], 4);
  assert.deepEqual(out.map((d) => `${d.address}:${d.port}`), ['0.0.0.0:80', '0.0.0.1:80', '10.0.0.1:80', '10.0.0.2:80', '10.0.0.2:81']);
  // u32 subtraction kept as a signed int (libipvs): 255.x minus 0.x wraps negative, so it sorts first.
  assert.deepEqual(sortDests([mk('0.0.0.1'), mk('255.255.255.255')], 4).map((d) => d.address), ['255.255.255.255', '0.0.0.1']);
  assert.throws(() => sortDests([mk('1.2.3'), mk('1.2.3.4')], 4), { code: 'LD_ERR_IPVS_INVALID' });
  assert.throws(() => sortDests([mk('1.2.3.256'), mk('1.2.3.4')], 4), { code: 'LD_ERR_IPVS_INVALID' });
});
