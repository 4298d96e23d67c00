import { test } from 'node:test';
import assert from 'node:assert/strict';
import { desiredFor, destPort, schedFlagsOf, serviceOf } from '../../src/director/desired.js';
import { normAddr } from '../../src/util/address.js';
import { diffService } from '../../src/director/diff.js';
import type { IpvsDest } from '../../src/ipvs/types.js';
import { real, virtual } from './helpers.js';

test('serviceOf: scheduler, persistence, netmask, ops (udp only), schedflags bits', () => {
  const cases = [
    { desc: 'plain', v: virtual('10.0.0.1', 80, []), want: { scheduler: 'wrr', flags: 0, timeout: 0, netmask: '255.255.255.255' } },
    { desc: 'persistent + netmask', v: virtual('10.0.0.1', 80, [], { persistent: 300, netmask: '255.255.255.0' }), want: { scheduler: 'wrr', flags: 1, timeout: 300, netmask: '255.255.255.0' } },
    { desc: 'netmask without persistent is not emitted', v: virtual('10.0.0.1', 80, [], { netmask: '255.255.255.0' }), want: { scheduler: 'wrr', flags: 0, timeout: 0, netmask: '255.255.255.255' } },
    { desc: 'ops on tcp ignored', v: virtual('10.0.0.1', 80, [], { ops: true }), want: { scheduler: 'wrr', flags: 0, timeout: 0, netmask: '255.255.255.255' } },
    { desc: 'ops on udp = 0x4', v: virtual('10.0.0.1', 53, [], { ops: true, protocol: 'udp' }), want: { scheduler: 'wrr', flags: 4, timeout: 0, netmask: '255.255.255.255' } },
    { desc: 'sh with sh-fallback,sh-port', v: virtual('10.0.0.1', 80, [], { scheduler: 'sh', schedflags: 'sh-fallback,sh-port' }), want: { scheduler: 'sh', flags: 0x18, timeout: 0, netmask: '255.255.255.255' } },
    { desc: 'IPv6 default netmask is a prefix', v: virtual('2001:db8::1', 80, [], { family: 6 }), want: { scheduler: 'wrr', flags: 0, timeout: 0, netmask: '128' } },
  ];
  for (const c of cases) {
    const s = serviceOf(c.v);
    assert.deepEqual({ scheduler: s.scheduler, flags: s.flags, timeout: s.timeout, netmask: s.netmask }, c.want, c.desc);
  }
  assert.deepEqual(serviceOf(virtual('', 0, [], { protocol: 'fwm', fwmark: 7 })).key, { family: 4, fwmark: 7 });
  assert.equal(schedFlagsOf('flag-3'), 0x20);
  const bad: string[] = [];
  assert.equal(schedFlagsOf('bogus,mh-port', (n) => bad.push(n)), 0x10);
  assert.deepEqual(bad, ['bogus']);
});

test('destPort: what the kernel stores', () => {
  const tcp = virtual('10.0.0.1', 80, []);
  const fwm = virtual('', 0, [], { protocol: 'fwm', fwmark: 7 });
  const cases = [
    { desc: 'masq keeps the real port', v: tcp, fwd: 'masq' as const, port: 8080, want: 8080 },
    { desc: 'masq without port = virtual port', v: tcp, fwd: 'masq' as const, port: 0, want: 80 },
    { desc: 'gate is rewritten to the virtual port', v: tcp, fwd: 'gate' as const, port: 8080, want: 80 },
    { desc: 'ipip is rewritten to the virtual port', v: tcp, fwd: 'ipip' as const, port: 8080, want: 80 },
    { desc: 'fwmark gate = 0', v: fwm, fwd: 'gate' as const, port: 80, want: 0 },
    { desc: 'fwmark masq keeps the port', v: fwm, fwd: 'masq' as const, port: 80, want: 80 },
  ];
  for (const c of cases) assert.equal(destPort(c.v, c.fwd, c.port), c.want, c.desc);
  assert.equal(normAddr(6, '2001:DB8:0:0::1'), '2001:db8::1');
});

test('desiredFor: up, down, quiescent, unknown, fallback', () => {
  const r1 = real('10.1.0.1', { weight: 3 });
  const r2 = real('10.1.0.2');
  const fb = { family: 4 as const, address: '10.9.0.1', port: 80, forward: 'gate' as const, pos: r1.pos };
  const show = (v: ReturnType<typeof virtual>, h: ['up' | 'down' | 'unknown', 'up' | 'down' | 'unknown'], vh: { fallbackActive: boolean; quorumOk: boolean; liveWeight: number } | undefined, addQ = false) =>
    desiredFor(v, [{ real: r1, health: h[0], addQuiesced: addQ }, { real: r2, health: h[1], addQuiesced: addQ }], vh).dests
      .map((d) => `${d.dest.address}/${d.dest.weight}/${d.mode}${d.fallback ? '/fb' : ''}`);
  const v = virtual('10.0.0.1', 80, [r1, r2], { fallback: fb });
  const on = { fallbackActive: true, quorumOk: false, liveWeight: 0 };
  const off = { fallbackActive: false, quorumOk: true, liveWeight: 3 };
  assert.deepEqual(show(v, ['up', 'down'], off), ['10.1.0.1/3/exact']);
  assert.deepEqual(show(v, ['down', 'down'], on), ['10.9.0.1/1/exact/fb']);
  assert.deepEqual(show(v, ['up', 'unknown'], undefined), ['10.1.0.1/3/exact', '10.1.0.2/1/keep', '10.9.0.1/1/keep/fb']);
  const q = virtual('10.0.0.1', 80, [r1, r2], { quiescent: true, fallback: fb });
  assert.deepEqual(show(q, ['up', 'down'], off), ['10.1.0.1/3/exact', '10.1.0.2/0/ifPresent']);
  assert.deepEqual(show(q, ['up', 'down'], off, true), ['10.1.0.1/3/exact', '10.1.0.2/0/exact']);
  // Quorum lost with a fallback: live reals are pulled too (keepalived's sorry-server rule).
  const qv = virtual('10.0.0.1', 80, [r1, r2], { quorum: 5, fallback: fb });
  assert.deepEqual(show(qv, ['up', 'down'], { fallbackActive: true, quorumOk: false, liveWeight: 3 }), ['10.9.0.1/1/exact/fb']);
});

test('diffService: minimal ops for each difference', () => {
  const v = virtual('10.0.0.1', 80, [real('10.1.0.1'), real('10.1.0.2')]);
  const want = desiredFor(v, v.reals.map((r) => ({ real: r, health: 'up' as const, addQuiesced: false })), { fallbackActive: false, quorumOk: true, liveWeight: 2 });
  const d = (address: string, over: Partial<IpvsDest> = {}): [string, IpvsDest] =>
    [`${address}|80`, { address, port: 80, forward: 'masq', weight: 1, upperThreshold: 0, lowerThreshold: 0, ...over }];
  const svc = want.service;
  const cases = [
    { desc: 'absent service: add service and dests', have: undefined, ops: ['addService', 'addDest', 'addDest'] },
    { desc: 'identical: nothing', have: { service: { ...svc, flags: 2 }, dests: new Map([d('10.1.0.1'), d('10.1.0.2')]) }, ops: [] },
    { desc: 'scheduler differs: editService', have: { service: { ...svc, scheduler: 'rr' }, dests: new Map([d('10.1.0.1'), d('10.1.0.2')]) }, ops: ['editService'] },
    { desc: 'weight differs: editDest', have: { service: svc, dests: new Map([d('10.1.0.1', { weight: 9 }), d('10.1.0.2')]) }, ops: ['editDest'] },
    { desc: 'threshold differs: editDest', have: { service: svc, dests: new Map([d('10.1.0.1', { upperThreshold: 5 }), d('10.1.0.2')]) }, ops: ['editDest'] },
    { desc: 'forward differs: editDest', have: { service: svc, dests: new Map([d('10.1.0.1', { forward: 'route' }), d('10.1.0.2')]) }, ops: ['editDest'] },
    { desc: 'missing dest: addDest', have: { service: svc, dests: new Map([d('10.1.0.1')]) }, ops: ['addDest'] },
    { desc: 'extra dest: delDest first', have: { service: svc, dests: new Map([d('10.1.0.3'), d('10.1.0.1'), d('10.1.0.2')]) }, ops: ['delDest'] },
  ];
  for (const c of cases) assert.deepEqual(diffService(want, c.have).map((o) => o.op), c.ops, c.desc);
  // keep and ifPresent never add.
  const soft = { ...want, dests: want.dests.map((x, i) => ({ ...x, mode: i === 0 ? 'keep' as const : 'ifPresent' as const })) };
  assert.deepEqual(diffService(soft, { service: svc, dests: new Map() }).map((o) => o.op), []);
  assert.deepEqual(diffService(soft, { service: svc, dests: new Map([d('10.1.0.1', { weight: 9 }), d('10.1.0.2', { weight: 9 })]) }).map((o) => o.op), ['editDest']);
});
