import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TimeLimit, budgetMs as deadlineMs } from '../../../src/checks/lib/time-limit.js';
import { createRunner, GRACE_MS, runCheck, selectCheck, type CheckTables } from '../../../src/checks/run.js';
import { KIND_CHECKS, SERVICE_CHECKS } from '../../../src/checks/registry.js';
import type { CheckFn, CheckResult } from '../../../src/checks/types.js';
import { makeSpec } from '../../harness/index.js';

const never: CheckFn = () => new Promise<CheckResult>(() => undefined);
const ignoresAbort: CheckFn = () => new Promise<CheckResult>((r) => setTimeout(() => r({ up: true, message: 'late', durationMs: 0 }), 3000));
const honours: CheckFn = (_s, signal) => new Promise<CheckResult>((_r, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
const throws: CheckFn = async () => { throw new TypeError('boom'); };
const throwsSync: CheckFn = (() => { throw new RangeError('sync boom'); }) as unknown as CheckFn;
const upFn: CheckFn = async () => ({ up: true, message: '200 OK', durationMs: 0 });
const badShape: CheckFn = async () => ({ up: 'yes', message: 7 } as unknown as CheckResult);

function tables(fn: CheckFn, ping: CheckFn = fn): CheckTables {
  const kinds = { ...KIND_CHECKS, connect: fn, ping, external: fn };
  const services = Object.fromEntries(Object.keys(SERVICE_CHECKS).map((k) => [k, fn])) as unknown as CheckTables['services'];
  return { kinds, services };
}

describe('runCheck framework', () => {
  const cases: Array<{ desc: string; fn: CheckFn; timeoutMs: number; up: boolean; message: RegExp }> = [
    { desc: 'checker that never settles is cut at the deadline', fn: never, timeoutMs: 200, up: false, message: /^timeout after 200 ms$/ },
    { desc: 'checker that ignores its signal is cut at the deadline', fn: ignoresAbort, timeoutMs: 200, up: false, message: /^timeout after 200 ms$/ },
    { desc: 'checker that honours its signal reports timeout', fn: honours, timeoutMs: 200, up: false, message: /^timeout after 200 ms$/ },
    { desc: 'async throw becomes down with the reason', fn: throws, timeoutMs: 1000, up: false, message: /^check failed: boom$/ },
    { desc: 'sync throw becomes down with the reason', fn: throwsSync, timeoutMs: 1000, up: false, message: /^check failed: sync boom$/ },
    { desc: 'up result passes through', fn: upFn, timeoutMs: 1000, up: true, message: /^200 OK$/ },
    { desc: 'malformed result is normalised to down', fn: badShape, timeoutMs: 1000, up: false, message: /^-$/ },
  ];
  for (const c of cases) {
    it(c.desc, async () => {
      const run = createRunner(tables(c.fn));
      const t0 = performance.now();
      const r = await run(makeSpec({ kind: 'connect', timeoutMs: c.timeoutMs }), new AbortController().signal);
      const took = performance.now() - t0;
      assert.equal(r.up, c.up);
      assert.match(r.message, c.message);
      assert.ok(took < c.timeoutMs + GRACE_MS + 1500, `returned after ${took} ms`);
      // The check's own duration lies inside what the caller measured around it (how much less
      // depends on the machine's load, so that is not asserted).
      assert.ok(r.durationMs >= 0 && r.durationMs <= took + 1, `durationMs ${r.durationMs} vs measured ${took}`);
    });
  }

  it('caller abort stops the check and says aborted', async () => {
    const run = createRunner(tables(never));
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 50);
    const r = await run(makeSpec({ kind: 'connect', timeoutMs: 10_000 }), ac.signal);
    assert.deepEqual([r.up, r.message], [false, 'aborted']);
    assert.ok(r.durationMs < 5000);
  });

  it('already-aborted caller signal returns at once', async () => {
    const ac = new AbortController();
    ac.abort();
    const r = await runCheck(makeSpec({ kind: 'on' }), ac.signal);
    assert.deepEqual([r.up, r.message], [false, 'aborted']);
  });

  it('a checker that still listens on its signal is aborted once runCheck has returned', async () => {
    let reason: unknown;
    const run = createRunner(tables(async (_s, signal) => {
      signal.addEventListener('abort', () => { reason = signal.reason; }, { once: true });
      return { up: true, message: '-', durationMs: 0 };
    }));
    await run(makeSpec({ kind: 'connect' }), new AbortController().signal);
    assert.deepEqual(reason, { name: 'CheckFinished', message: 'check finished' });
  });

  it('a checker that left no listener is not aborted (nothing to tell, an Event saved per check)', async () => {
    let seen: AbortSignal | undefined;
    const run = createRunner(tables(async (_s, signal) => { seen = signal; return { up: true, message: '-', durationMs: 0 }; }));
    await run(makeSpec({ kind: 'connect' }), new AbortController().signal);
    assert.equal(seen?.aborted, false);
  });
});

describe('runCheck with a scheduler in charge of the deadline (CheckContext)', () => {
  const timeoutError = Object.assign(new Error('check deadline reached'), { name: 'TimeoutError' });
  // The caller owns the limit: it aborts its signal at it (here by hand), runCheck arms nothing.
  const callerLimit = (ms: number): TimeLimit => new TimeLimit({ monotonic: () => performance.now() }, ms);

  it('arms no deadline of its own: the check runs past its timeout until the caller aborts', async () => {
    const run = createRunner(tables(honours));
    const caller = new AbortController();
    setTimeout(() => caller.abort(timeoutError), 300);
    const t0 = performance.now();
    const r = await run(makeSpec({ kind: 'connect', timeoutMs: 50 }), caller.signal, { limit: callerLimit(50) });
    const took = performance.now() - t0;
    assert.deepEqual([r.up, r.message], [false, 'timeout after 50 ms']);
    assert.ok(took >= 290, `returned after ${took} ms: it must wait for the caller's deadline`);
  });

  it("the caller's TimeoutError is the timeout, also for a checker that ignores it (cut after the grace)", async () => {
    const run = createRunner(tables(never));
    const caller = new AbortController();
    setTimeout(() => caller.abort(timeoutError), 20);
    const r = await run(makeSpec({ kind: 'connect', timeoutMs: 5000 }), caller.signal, { limit: callerLimit(5000) });
    assert.deepEqual([r.up, r.message], [false, 'timeout after 5000 ms']);
  });

  it('another abort reason is still "aborted"', async () => {
    const run = createRunner(tables(honours));
    const caller = new AbortController();
    setTimeout(() => caller.abort(new Error('shutdown')), 20);
    const r = await run(makeSpec({ kind: 'connect', timeoutMs: 5000 }), caller.signal, { limit: callerLimit(5000) });
    assert.deepEqual([r.up, r.message], [false, 'aborted']);
  });

  it("durationMs is measured on the caller's clock from the caller's start reading, with one read", async () => {
    let reads = 0;
    const run = createRunner(tables(upFn));
    const r = await run(makeSpec({ kind: 'connect' }), new AbortController().signal, { limit: new TimeLimit({ monotonic: () => { reads++; return 1042; } }, 5000, 1000) });
    assert.deepEqual([r.up, r.durationMs, reads], [true, 42, 1]);
  });
});

describe('selectCheck dispatch', () => {
  const cases = [
    { desc: 'negotiate dispatches on service', spec: makeSpec({ kind: 'negotiate', service: 'http' }), want: SERVICE_CHECKS.http, name: 'http' },
    { desc: 'connect on tcp is connect', spec: makeSpec({ kind: 'connect', protocol: 'tcp' }), want: KIND_CHECKS.connect, name: 'connect' },
    { desc: 'connect on fwmark is connect (TCP)', spec: makeSpec({ kind: 'connect', protocol: 'fwm' }), want: KIND_CHECKS.connect, name: 'connect' },
    { desc: 'connect on udp runs ping', spec: makeSpec({ kind: 'connect', protocol: 'udp' }), want: KIND_CHECKS.ping, name: 'ping' },
    { desc: 'external', spec: makeSpec({ kind: 'external' }), want: KIND_CHECKS.external, name: 'external' },
    { desc: 'off', spec: makeSpec({ kind: 'off' }), want: KIND_CHECKS.off, name: 'off' },
  ];
  for (const c of cases) {
    it(c.desc, () => {
      const s = selectCheck(c.spec, { kinds: KIND_CHECKS, services: SERVICE_CHECKS });
      assert.equal(s.fn, c.want);
      assert.equal(s.name, c.name);
    });
  }

  it('ping budget is checkCount x timeout, others one timeout', () => {
    assert.equal(deadlineMs(makeSpec({ kind: 'ping', timeoutMs: 1000, checkCount: 3 })), 3000);
    assert.equal(deadlineMs(makeSpec({ kind: 'connect', protocol: 'udp', timeoutMs: 1000, checkCount: 2 })), 2000);
    assert.equal(deadlineMs(makeSpec({ kind: 'connect', timeoutMs: 1000, checkCount: 3 })), 1000);
  });

  it('a ping budget beyond the longest timer is capped, not turned into 1 ms by Node', async () => {
    const spec = makeSpec({ kind: 'ping', timeoutMs: 5_000, checkCount: 1_000_000 });
    assert.equal(deadlineMs(spec), 2 ** 31 - 1);
    const run = createRunner({ kinds: { ...KIND_CHECKS, ping: honours }, services: SERVICE_CHECKS });
    const caller = new AbortController();
    const result = run(spec, caller.signal);
    const early = await Promise.race([result.then((r) => r.message), new Promise((r) => setTimeout(() => r('still running'), 200))]);
    caller.abort();
    assert.equal(early, 'still running');
    assert.equal((await result).message, 'aborted');
  });
});

describe('on, off, none through runCheck', () => {
  const cases = [
    { desc: 'on is always up', spec: makeSpec({ kind: 'on' }), up: true },
    { desc: 'off is never up', spec: makeSpec({ kind: 'off' }), up: false },
    { desc: 'negotiate none is up', spec: makeSpec({ kind: 'negotiate', service: 'none' }), up: true },
  ];
  for (const c of cases) {
    it(c.desc, async () => {
      const r = await runCheck(c.spec, new AbortController().signal);
      assert.equal(r.up, c.up);
      assert.equal(r.message, '-');
    });
  }
});

describe('runCheck leaves nothing behind', () => {
  it('no timer keeps the event loop busy after a check returns', async () => {
    const before = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    await runCheck(makeSpec({ kind: 'on', timeoutMs: 60_000 }), new AbortController().signal);
    const afterCount = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    assert.equal(afterCount, before);
  });
});
