/**
 * Issue 16: the director compiles each distinct receive string once per config load (RE2
 * compiling costs ~36 us, matching a page under 1 us) and every real sharing it shares the
 * compiled pattern; probe and real keys do not change because of it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { probeFor, realKey, type ReceiveMemo } from '../../src/director/spec.js';
import { global, real, virtual } from './helpers.js';

test('reals sharing a receive share one compiled pattern, which matches with the Perl rule', () => {
  const v = virtual('10.0.0.1', 80, [], { receive: 'Test.*Page$' });
  const memo: ReceiveMemo = new Map();
  const a = probeFor(v, real('10.0.0.2'), global(), memo);
  const b = probeFor(v, real('10.0.0.3'), global(), memo);
  const c = probeFor(v, real('10.0.0.4', { request: '/x', receive: 'OK' }), global(), memo);
  assert.ok(a.spec.compiledReceive);
  assert.equal(a.spec.compiledReceive, b.spec.compiledReceive);
  assert.equal(a.spec.compiledReceive?.source, 'Test.*Page$');
  assert.equal(c.spec.compiledReceive?.source, 'OK');
  assert.equal(memo.size, 2);
  assert.equal(a.spec.compiledReceive?.matches('Test Page\n'), true);
  assert.equal(a.spec.compiledReceive?.matches('Test'.repeat(1 << 18)), false);
});

test('no compiled pattern without a receive, for connect checks, or for a pattern that does not compile', () => {
  assert.equal(probeFor(virtual('10.0.0.1', 80, []), real('10.0.0.2'), global()).spec.compiledReceive, undefined);
  const conn = virtual('10.0.0.1', 80, [], { receive: 'OK', checktype: { kind: 'connect' } });
  assert.equal(probeFor(conn, real('10.0.0.2'), global()).spec.compiledReceive, undefined);
  const combined = probeFor(virtual('10.0.0.1', 80, [], { receive: 'OK', checktype: { kind: 'combined', n: 2 } }), real('10.0.0.2'), global());
  assert.equal(combined.spec.compiledReceive?.source, 'OK');
  assert.equal(combined.connect?.compiledReceive, undefined);
  // The loader refuses such a pattern; a spec built some other way leaves it to the check.
  assert.equal(probeFor(virtual('10.0.0.1', 80, [], { receive: '(a)\\1' }), real('10.0.0.2'), global()).spec.compiledReceive, undefined);
});

test('the compiled pattern does not enter the probe or real key', () => {
  const v = virtual('10.0.0.1', 80, [], { receive: 'OK' });
  const r = real('10.0.0.2');
  const p = probeFor(v, r, global());
  assert.ok(p.spec.compiledReceive);
  // The same key whether or not the memo already held the pattern, and across loads.
  const memo: ReceiveMemo = new Map();
  assert.equal(probeFor(v, r, global(), memo).key, p.key);
  assert.equal(probeFor(v, r, global(), memo).key, p.key);
  assert.equal(realKey(v, r, global(), memo), realKey(v, r, global()));
  assert.notEqual(probeFor(virtual('10.0.0.1', 80, [], { receive: 'KO' }), r, global()).key, p.key);
});
