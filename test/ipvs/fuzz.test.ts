// Malformed netlink replies into the IPVS decoders (issue 15): truncated, oversized, wrong
// attribute types and widths, lying lengths, deep nesting. Every decoder either returns a value
// or throws an LdError with code LD_ERR_NETLINK_MALFORMED; no RangeError, TypeError or hang.
// Inputs start from well-formed replies (the encoders' own services and dests, wrapped as the
// kernel wraps them) and are then edited, so most of them get past the first header check.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodeConfig, decodeDaemon, decodeDest, decodeInfo, decodeService, encodeOp, frameRequest } from '../../src/ipvs/codec.js';
import { decodeMessages, parseAttrs } from '../../src/ipvs/netlink.js';
import type { IpvsDest, IpvsService } from '../../src/ipvs/types.js';
import { isLdError } from '../../src/util/errors.js';

// A fixed seed keeps every run of the suite the same (no flaky test); change it to explore.
const SEED = 20261207;

const DECODERS: readonly [string, (b: Buffer) => unknown][] = [
  ['decodeMessages', decodeMessages], ['parseAttrs', parseAttrs], ['decodeService', decodeService],
  ['decodeDest v4', (b) => decodeDest(b, 4)], ['decodeDest v6', (b) => decodeDest(b, 6)],
  ['decodeInfo', decodeInfo], ['decodeConfig', decodeConfig], ['decodeDaemon', decodeDaemon],
];

/** outcome runs one decoder; anything but a value or LD_ERR_NETLINK_MALFORMED is the bug it returns. */
function outcome(name: string, decode: (b: Buffer) => unknown, buf: Buffer): string | undefined {
  try {
    decode(buf);
    return undefined;
  } catch (e) {
    if (isLdError(e, 'LD_ERR_NETLINK_MALFORMED')) return undefined;
    return `${name} threw ${(e as Error).stack ?? String(e)}\ninput: ${buf.toString('hex')}`;
  }
}

const v4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((o) => o.join('.'));
const v6 = fc.array(fc.nat(0xffff), { minLength: 8, maxLength: 8 }).map((g) => g.map((x) => x.toString(16)).join(':'));
const service: fc.Arbitrary<IpvsService> = fc.oneof(
  fc.record({ protocol: fc.constantFrom('tcp', 'udp', 'sctp' as const), address: v4, port: fc.nat(65535) })
    .map((k) => ({ family: 4 as const, ...k })),
  fc.record({ protocol: fc.constantFrom('tcp', 'udp' as const), address: v6, port: fc.nat(65535) })
    .map((k) => ({ family: 6 as const, ...k })),
  fc.record({ family: fc.constantFrom(4, 6 as const), fwmark: fc.integer({ min: 1, max: 0xffffffff }) }),
).chain((key) => fc.record({
  scheduler: fc.constantFrom('rr', 'wlc', 'sh', ''), flags: fc.nat(0xff), timeout: fc.nat(),
  netmask: key.family === 4 ? v4 : fc.integer({ min: 1, max: 128 }).map(String),
}).map((s) => ({ key, ...s } as IpvsService)));
const dest: fc.Arbitrary<IpvsDest> = fc.record({
  address: v4, port: fc.nat(65535), family: fc.constant(4 as const),
  forward: fc.constantFrom('masq', 'local', 'tunnel', 'route', 'bypass' as const),
  weight: fc.nat(65535), upperThreshold: fc.nat(), lowerThreshold: fc.nat(),
}).map((d) => ({ ...d, activeConns: 0, inactConns: 0, persistConns: 0 }));

/** attrsOf returns the attribute part of a framed request: what a reply's decoder reads. */
const attrsOf = (framed: Buffer): Buffer => framed.subarray(20);
const wellFormed: fc.Arbitrary<Buffer> = fc.oneof(
  service.map((s) => attrsOf(frameRequest(encodeOp({ op: 'addService', service: s }), { family: 0x20, seq: 1 }))),
  fc.tuple(service, dest).map(([s, d]) => attrsOf(frameRequest(encodeOp({ op: 'addDest', key: s.key, dest: d }), { family: 0x20, seq: 1 }))),
  service.map((s) => frameRequest(encodeOp({ op: 'addService', service: s }), { family: 0x20, seq: 7 })),
);

type Edit = (b: Buffer, at: number, v: number) => Buffer;
const EDITS: readonly Edit[] = [
  (b, at) => b.subarray(0, at), // truncated
  (b, at, v) => { const c = Buffer.from(b); if (at + 1 < c.length) c.writeUInt16LE(v & 0xffff, at & ~1); return c; }, // lying u16 (nla_len, type)
  (b, at, v) => { const c = Buffer.from(b); if (at + 3 < c.length) c.writeUInt32LE(v >>> 0, at & ~3); return c; }, // lying u32 (nlmsg_len, values)
  (b, at, v) => { const c = Buffer.from(b); if (at < c.length) c[at] = v & 0xff; return c; }, // one byte
  (b, _at, v) => Buffer.concat([b, Buffer.alloc(v % 70000, v & 0xff)]), // oversized tail
  (b, at) => Buffer.concat([b.subarray(0, at), b.subarray(at, at + 8), b.subarray(at)]), // duplicated span
  (b) => { const h = Buffer.alloc(4); h.writeUInt16LE(Math.min(b.length + 4, 0xffff), 0); h.writeUInt16LE(0x8001, 2); return Buffer.concat([h, b]); }, // extra nest level
];
const edited: fc.Arbitrary<Buffer> = fc.tuple(wellFormed, fc.array(fc.tuple(fc.nat(EDITS.length - 1), fc.nat(400), fc.nat()), { minLength: 1, maxLength: 5 }))
  .map(([b, es]) => es.reduce((buf, [e, at, v]) => EDITS[e]!(buf, Math.min(at, buf.length), v), b));

/** nested builds attribute type 1 nested `depth` times around a payload: a deep but finite chain. */
const nested = fc.tuple(fc.nat(3000), fc.uint8Array({ maxLength: 16 })).map(([depth, inner]) => {
  let b = Buffer.from(inner);
  for (let i = 0; i < depth && b.length + 4 <= 0xffff; i++) {
    const h = Buffer.alloc(4);
    h.writeUInt16LE(b.length + 4, 0);
    h.writeUInt16LE(0x8001, 2);
    b = Buffer.concat([h, b]);
  }
  return b;
});

const hostile = fc.oneof(
  { arbitrary: edited, weight: 6 },
  { arbitrary: wellFormed, weight: 1 },
  { arbitrary: fc.uint8Array({ maxLength: 200 }).map((a) => Buffer.from(a)), weight: 2 },
  { arbitrary: nested, weight: 1 },
);

test('fuzz: every IPVS decoder returns a value or LD_ERR_NETLINK_MALFORMED on hostile replies', () => {
  let typed = 0;
  fc.assert(fc.property(hostile, (buf) => {
    for (const [name, decode] of DECODERS) {
      const bug = outcome(name, decode, buf);
      if (bug !== undefined) throw new Error(bug);
      try { decode(buf); } catch { typed++; }
    }
  }), { numRuns: 5000, seed: SEED });
  // The inputs must reach the error paths, or this proves little.
  assert.ok(typed > 5000, `only ${typed} typed errors`);
});

test('fuzz: the well-formed replies decode to what was encoded (the generator is sound)', () => {
  fc.assert(fc.property(service, (s) => {
    const got = decodeService(attrsOf(frameRequest(encodeOp({ op: 'addService', service: s }), { family: 0x20, seq: 1 })));
    // The encoder takes any IPv6 spelling; the decoder prints the canonical one (zeros compressed).
    const canon = (k: typeof s.key) => ('address' in k && k.family === 6 ? { ...k, address: new URL(`http://[${k.address}]/`).hostname.slice(1, -1) } : { ...k });
    assert.deepEqual(canon(got.key), canon(s.key));
    assert.equal(got.scheduler, s.scheduler);
  }), { numRuns: 500, seed: SEED });
});

test('a short WEIGHT attribute is a typed error or a value, not a RangeError (was one)', () => {
  const nla = (type: number, p: Buffer): Buffer => {
    const b = Buffer.alloc(4 + p.length + ((4 - (p.length % 4)) % 4));
    b.writeUInt16LE(4 + p.length, 0); b.writeUInt16LE(type, 2); p.copy(b, 4); return b;
  };
  const inner = Buffer.concat([nla(1, Buffer.from([192, 0, 2, 1])), nla(2, Buffer.from([0, 80])), nla(4, Buffer.from([1]))]);
  const top = nla(0x8002, inner);
  assert.equal(decodeDest(top, 4).weight, 0);
});

test('a 64 KiB datagram of back-to-back minimal messages decodes in bounded time (no hang)', () => {
  const one = Buffer.alloc(16);
  one.writeUInt32LE(16, 0);
  one.writeUInt16LE(3, 4);
  const dgram = Buffer.concat(Array.from({ length: 4096 }, () => one));
  assert.equal(decodeMessages(dgram).length, 4096);
});
