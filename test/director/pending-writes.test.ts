import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PendingWrites } from '../../src/director/pending-writes.js';

const rm = (port: number) => ({ key: { family: 4 as const, protocol: 'tcp' as const, address: '10.0.0.1', port }, vstr: `10.0.0.1:${port}` });

test('pending writes: take returns what is due now, in marking order, once', () => {
  const p = new PendingWrites();
  assert.equal(p.ready, false);
  p.virtual('b'); p.virtual('a'); p.remove(rm(80)); p.virtual('b');
  assert.equal(p.ready, true);
  assert.deepEqual(p.take(), { ids: ['b', 'a'], removals: [rm(80)] });
  assert.equal(p.ready, false);
  assert.deepEqual(p.take(), { ids: [], removals: [] });
});

test('pending writes: a retry waits for the tick; a new mark makes it due at once', () => {
  const p = new PendingWrites();
  p.retryVirtual('a'); p.retryRemoval(rm(80)); p.retryVirtual('b');
  assert.equal(p.ready, false, 'retries are not due before the tick');
  p.virtual('b');
  assert.deepEqual(p.take(), { ids: ['b'], removals: [] });
  assert.equal(p.tick(), true);
  assert.deepEqual(p.take(), { ids: ['a'], removals: [rm(80)] });
  assert.equal(p.tick(), false, 'nothing left to retry');
});

test('pending writes: a retry never delays a virtual already due now', () => {
  const p = new PendingWrites();
  p.virtual('a');
  p.retryVirtual('a');
  assert.deepEqual(p.take().ids, ['a']);
});
