/** withDeadline, the one deadline of the protocol checks: every exit path, table-driven. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { down, fail, up, withDeadline, type Deadline, type Outcome } from '../../../src/checks/lib/deadline.js';

const never = (): Promise<Outcome> => new Promise<Outcome>(() => undefined);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('withDeadline', () => {
  const cases: Array<{
    desc: string; timeoutMs: number; body: (d: Deadline) => Promise<Outcome>;
    errors?: 'errno' | 'detail'; abortAfterMs?: number; abortReason?: unknown; up: boolean; message: string;
  }> = [
    { desc: 'up passes through', timeoutMs: 1000, body: async () => up('200 OK'), up: true, message: '200 OK' },
    { desc: 'down passes through', timeoutMs: 1000, body: async () => down('no match'), up: false, message: 'no match' },
    { desc: 'a body that never settles is a timeout', timeoutMs: 60, body: never, up: false, message: 'timeout after 60 ms' },
    { desc: 'a fired deadline wins over the error it provoked', timeoutMs: 60,
      body: (d) => new Promise((_, reject) => d.signal.addEventListener('abort', () => reject(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })))),
      up: false, message: 'timeout after 60 ms' },
    { desc: 'the caller aborting is "aborted"', timeoutMs: 5000, body: never, abortAfterMs: 20, abortReason: new Error('stop'), up: false, message: 'aborted' },
    { desc: "a caller's TimeoutError is a timeout", timeoutMs: 5000, body: never, abortAfterMs: 20,
      abortReason: new DOMException('t', 'TimeoutError'), up: false, message: 'timeout after 5000 ms' },
    { desc: 'fail() is verbatim', timeoutMs: 1000, body: async () => { throw fail('greeting: 554 go away'); }, up: false, message: 'greeting: 554 go away' },
    { desc: 'a socket error, errno style', timeoutMs: 1000, body: async () => { throw Object.assign(new Error('connect ECONNREFUSED 1.2.3.4:25'), { code: 'ECONNREFUSED' }); }, up: false, message: 'ECONNREFUSED' },
    { desc: 'a socket error, detail style', timeoutMs: 1000, errors: 'detail', body: async () => { throw Object.assign(new Error('connect ECONNREFUSED 1.2.3.4:25'), { code: 'ECONNREFUSED' }); }, up: false, message: 'connect ECONNREFUSED 1.2.3.4:25' },
    { desc: 'a synchronous throw is down', timeoutMs: 1000, body: () => { throw new Error('sync boom'); }, up: false, message: 'sync boom' },
    { desc: 'a long message is clipped', timeoutMs: 1000, body: async () => up('a'.repeat(500)), up: true, message: `${'a'.repeat(200)}...` },
  ];
  for (const c of cases) {
    it(c.desc, async () => {
      const ac = new AbortController();
      if (c.abortAfterMs !== undefined) setTimeout(() => ac.abort(c.abortReason), c.abortAfterMs);
      const r = await withDeadline(c.timeoutMs, ac.signal, c.body, c.errors ? { errors: c.errors } : {});
      assert.deepEqual([r.up, r.message], [c.up, c.message]);
      assert.ok(r.durationMs >= 0);
    });
  }

  it('an already-aborted caller never runs the body', async () => {
    let ran = false;
    const r = await withDeadline(1000, AbortSignal.abort(new Error('gone')), async () => { ran = true; return up('x'); });
    assert.deepEqual([r.up, r.message, ran], [false, 'aborted', false]);
  });

  it('releases run on success, on error and at the deadline; the signal is aborted afterwards', async () => {
    for (const body of [async () => up('ok'), async () => { throw new Error('x'); }, never]) {
      let released = 0;
      let signal: AbortSignal | undefined;
      await withDeadline(50, new AbortController().signal, (d) => {
        signal = d.signal;
        d.defer(() => { released++; });
        d.defer(() => { throw new Error('a failing release is contained'); });
        return body();
      });
      assert.equal(released, 1);
      assert.equal(signal?.aborted, true);
    }
  });

  it('a release registered after the end runs at once; remainingMs counts down', async () => {
    let late: Deadline | undefined;
    const r = await withDeadline(10_000, new AbortController().signal, async (d) => {
      late = d;
      const before = d.remainingMs();
      await sleep(30);
      assert.ok(d.remainingMs() < before && d.remainingMs() > 9000);
      return up('ok');
    });
    assert.equal(r.up, true);
    let ran = false;
    late?.defer(() => { ran = true; });
    assert.equal(ran, true);
  });
});
