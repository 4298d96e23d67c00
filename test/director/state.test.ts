import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ADOPTED, UNKNOWN, evalVirtual, step, type HealthEvent, type RealHealth } from '../../src/director/state.js';

const P = { failurecount: 3, risecount: 2 };
const up = (failcount = 0): RealHealth => ({ health: 'up', failcount, rises: 0 });
const down = (failcount = 0, rises = 0): RealHealth => ({ health: 'down', failcount, rises });
const ok: HealthEvent = { type: 'check', up: true };
const fail: HealthEvent = { type: 'check', up: false };

test('real state machine: every transition', () => {
  const cases: { desc: string; from: RealHealth; ev: HealthEvent; p?: typeof P; to: RealHealth; transition: 'up' | 'down' | null; note: string | null }[] = [
    { desc: 'unknown + ok -> up at once (no rise count for a first answer)', from: UNKNOWN, ev: ok, to: up(), transition: 'up', note: null },
    { desc: 'unknown + fail -> down at once (no soft failures: it never served)', from: UNKNOWN, ev: fail, to: down(), transition: 'down', note: null },
    { desc: 'adopted behaves as up: first failure is soft', from: ADOPTED, ev: fail, to: up(1), transition: null, note: 'soft-failure' },
    { desc: 'up + ok stays up', from: up(), ev: ok, to: up(), transition: null, note: null },
    { desc: 'up + ok after soft failures resets the count', from: up(2), ev: ok, to: up(), transition: null, note: 'reset-soft' },
    { desc: 'up + fail below failurecount = soft failure', from: up(1), ev: fail, to: up(2), transition: null, note: 'soft-failure' },
    { desc: 'up + fail reaching failurecount -> down', from: up(2), ev: fail, to: down(3), transition: 'down', note: null },
    { desc: 'failurecount 1: first failure -> down', from: up(), ev: fail, p: { failurecount: 1, risecount: 1 }, to: down(1), transition: 'down', note: null },
    { desc: 'down + fail stays down', from: down(3), ev: fail, to: down(3), transition: null, note: null },
    { desc: 'down + fail resets partial rises', from: down(3, 1), ev: fail, to: down(3, 0), transition: null, note: null },
    { desc: 'down + ok below risecount = rising', from: down(3), ev: ok, to: down(3, 1), transition: null, note: 'rising' },
    { desc: 'down + ok reaching risecount -> up, soft count reset', from: down(3, 1), ev: ok, to: up(), transition: 'up', note: 'reset-soft' },
    { desc: 'risecount 1 (original): one success restores', from: down(), ev: ok, p: { failurecount: 1, risecount: 1 }, to: up(), transition: 'up', note: null },
    { desc: 'forced down (maintenance) skips soft failures', from: up(), ev: { type: 'force', up: false }, to: down(), transition: 'down', note: null },
    { desc: 'forced down when already down: no transition', from: down(), ev: { type: 'force', up: false }, to: down(), transition: null, note: null },
    { desc: 'forced up (checktype on) skips the rise count', from: down(), ev: { type: 'force', up: true }, to: up(), transition: 'up', note: null },
    { desc: 'forced down from unknown', from: UNKNOWN, ev: { type: 'force', up: false }, to: down(), transition: 'down', note: null },
  ];
  for (const c of cases) {
    const r = step(c.from, c.ev, c.p ?? P);
    assert.deepEqual(r.next, c.to, c.desc);
    assert.equal(r.transition, c.transition, c.desc);
    assert.equal(r.note, c.note, c.desc);
  }
});

test('virtual state: fallback, quorum with hysteresis, checktype off (bug #11)', () => {
  const R = (h: 'up' | 'down' | 'unknown', weight = 1) => ({ health: h, weight });
  const base = { hysteresis: 0, off: false };
  const cases: { desc: string; prev?: ReturnType<typeof evalVirtual>; reals: ReturnType<typeof R>[]; p: { quorum?: number; hysteresis: number; off: boolean }; want: { fallbackActive: boolean; quorumOk: boolean } | undefined }[] = [
    { desc: 'any unknown real: not settled, nothing decided', reals: [R('up'), R('unknown')], p: base, want: undefined },
    { desc: 'no real up -> fallback on', reals: [R('down'), R('down')], p: base, want: { fallbackActive: true, quorumOk: false } },
    { desc: 'one real up -> fallback off', reals: [R('down'), R('up')], p: base, want: { fallbackActive: false, quorumOk: true } },
    { desc: 'an up real at weight 0 still counts as up (original rule)', reals: [R('up', 0)], p: base, want: { fallbackActive: false, quorumOk: true } },
    { desc: 'checktype off: all down but the fallback is NOT activated', reals: [R('down')], p: { ...base, off: true }, want: { fallbackActive: false, quorumOk: false } },
    { desc: 'quorum 3: live weight 2 -> lost', reals: [R('up', 2), R('down', 2)], p: { quorum: 3, hysteresis: 0, off: false }, want: { fallbackActive: true, quorumOk: false } },
    { desc: 'quorum 3 ±1, was ok: weight 2 still ok (hysteresis)', prev: { fallbackActive: false, quorumOk: true, liveWeight: 4 }, reals: [R('up', 2)], p: { quorum: 3, hysteresis: 1, off: false }, want: { fallbackActive: false, quorumOk: true } },
    { desc: 'quorum 3 ±1, was ok: weight 1 -> lost', prev: { fallbackActive: false, quorumOk: true, liveWeight: 4 }, reals: [R('up', 1)], p: { quorum: 3, hysteresis: 1, off: false }, want: { fallbackActive: true, quorumOk: false } },
    { desc: 'quorum 3 ±1, was lost: weight 3 not enough', prev: { fallbackActive: true, quorumOk: false, liveWeight: 0 }, reals: [R('up', 3)], p: { quorum: 3, hysteresis: 1, off: false }, want: { fallbackActive: true, quorumOk: false } },
    { desc: 'quorum 3 ±1, was lost: weight 4 -> regained', prev: { fallbackActive: true, quorumOk: false, liveWeight: 0 }, reals: [R('up', 4)], p: { quorum: 3, hysteresis: 1, off: false }, want: { fallbackActive: false, quorumOk: true } },
  ];
  for (const c of cases) {
    const r = evalVirtual(c.prev, c.reals, c.p);
    assert.deepEqual(r && { fallbackActive: r.fallbackActive, quorumOk: r.quorumOk }, c.want, c.desc);
  }
});
