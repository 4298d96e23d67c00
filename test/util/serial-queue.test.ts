import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SerialQueue } from '../../src/util/serial-queue.js';

test('serial queue: jobs run one at a time, in order, and idle waits for jobs queued meanwhile', async () => {
  const q = new SerialQueue();
  const log: string[] = [];
  let running = 0;
  let maxRunning = 0;
  const job = (name: string, then?: () => void) => async () => {
    running++; maxRunning = Math.max(maxRunning, running);
    log.push(`${name}+`);
    await new Promise((r) => setImmediate(r));
    then?.();
    log.push(`${name}-`);
    running--;
  };
  void q.run(job('a', () => { void q.run(job('c')); }));
  void q.run(job('b'));
  await q.idle();
  assert.deepEqual(log, ['a+', 'a-', 'b+', 'b-', 'c+', 'c-']);
  assert.equal(maxRunning, 1);
});

test('serial queue: a failed job rejects its own promise and does not stop the queue', async () => {
  const q = new SerialQueue();
  const failed = q.run(async () => { throw new Error('boom'); });
  let ran = false;
  const next = q.run(async () => { ran = true; });
  await assert.rejects(failed, /boom/);
  await next;
  assert.equal(ran, true);
  await q.idle();
});
