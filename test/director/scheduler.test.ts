import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GRID_MS, Scheduler, spreadFor, START_RATE, type ProbeResult } from '../../src/director/scheduler.js';
import { probeFor } from '../../src/director/spec.js';
import type { CheckResult, CheckSpec } from '../../src/checks/types.js';
import { FakeClock, global, real, virtual } from './helpers.js';

function probe(addr: string, over: Parameters<typeof virtual>[3] = {}) {
  return probeFor(virtual('10.0.0.1', 80, [], { checkinterval: 1, negotiatetimeout: 5, ...over }), real(addr), global());
}

test('a hung check never delays another probe; it is cut at its own deadline', async () => {
  const clock = new FakeClock();
  const starts: Record<string, number[]> = {};
  const results: ProbeResult[] = [];
  const s = new Scheduler({
    clock, maxChecks: 0,
    run: (spec, signal) => {
      (starts[spec.realAddress] ??= []).push(clock.monotonic());
      if (spec.realAddress === '10.1.0.9') return new Promise<CheckResult>(() => { void signal; }); // ignores abort
      return Promise.resolve({ up: true, message: 'ok', durationMs: 1 });
    },
    onResult: (_k, r) => results.push(r),
  });
  s.add(probe('10.1.0.9'), 0);
  s.add(probe('10.1.0.1'), 100);
  await clock.advance(11_050);
  assert.deepEqual(starts['10.1.0.1'], [100, 1100, 2100, 3100, 4100, 5100, 6100, 7100, 8100, 9100, 10100]);
  // The hung one (ignores its signal): started at 0, cut by the backstop at 5000+500,
  // restarted at once (it overran its interval).
  assert.deepEqual(starts['10.1.0.9'], [0, 5500, 11000]);
  assert.ok(results.some((r) => !r.up && r.message === 'timeout after 5000 ms'));
  assert.equal(s.active, 1);
  s.stop();
});

test('budget: ping gets checkcount attempts; the signal is aborted at the deadline, the slot freed at the backstop', async () => {
  const clock = new FakeClock();
  let aborted = -1;
  let reason: unknown;
  const results: ProbeResult[] = [];
  const s = new Scheduler({
    clock, maxChecks: 0,
    run: (_spec, signal) => new Promise<CheckResult>(() => { signal.addEventListener('abort', () => { aborted = clock.monotonic(); reason = signal.reason; }); }),
    onResult: (_k, r) => results.push(r),
  });
  s.add(probe('10.1.0.1', { checktype: { kind: 'ping' }, checktimeout: 2, checkcount: 3, checkinterval: 60 }), 0);
  await clock.advance(6_499);
  assert.equal(aborted, 6_000);
  assert.equal((reason as Error).name, 'TimeoutError');
  assert.equal(results.length, 0, 'the runner still has its grace');
  await clock.advance(1);
  assert.deepEqual(results.map((r) => [r.up, r.message, r.finishedAt]), [[false, 'timeout after 6000 ms', 6_500]]);
  s.stop();
});

test('a probe reuses its signal only while clean: never aborted, no listener left behind', async () => {
  const clock = new FakeClock();
  const signals: AbortSignal[] = [];
  let leave = false;
  const s = new Scheduler({
    clock, maxChecks: 0,
    run: (_spec, signal) => {
      signals.push(signal);
      const l = (): void => {};
      signal.addEventListener('abort', l);
      if (!leave) signal.removeEventListener('abort', l);
      return Promise.resolve({ up: true, message: '', durationMs: 0 });
    },
    onResult: () => {},
  });
  s.add(probe('10.1.0.1'), 0);
  await clock.advance(1_500);
  assert.equal(signals[0], signals[1], 'clean: reused');
  leave = true;
  await clock.advance(2_000);
  assert.notEqual(signals[3], signals[2], 'listener left on it: replaced');
  assert.ok(signals.every((x) => !x.aborted));
  s.stop();
});

/**
 * jittered: a scheduler whose random() returns `seq` in turn, with four always-up probes of
 * `checkinterval` added (first runs spread over `spreadMs` when given); `starts` records when each
 * check started.
 */
function jittered(seq: number[], checkinterval: number, spreadMs?: number) {
  const clock = new FakeClock();
  let i = 0;
  const starts: number[] = [];
  const s = new Scheduler({
    clock, maxChecks: 0, random: () => seq[i++ % seq.length]!,
    run: () => { starts.push(clock.monotonic()); return Promise.resolve({ up: true, message: '', durationMs: 0 }); },
    onResult: () => {},
  });
  for (const a of ['10.1.0.1', '10.1.0.2', '10.1.0.3', '10.1.0.4']) s.add(probe(a, { checkinterval }), undefined, spreadMs);
  return { clock, starts, s };
}

test('first runs are spread over the interval (jitter)', async () => {
  const { clock, starts, s } = jittered([0.05, 0.35, 0.65, 0.95], 10);
  await clock.advance(9_999);
  assert.deepEqual(starts, [500, 3500, 6500, 9500]);
  s.stop();
});

test('first runs land on a GRID_MS (50 ms) grid, so nearby probes share one due time and one wake-up', async () => {
  const { clock, starts, s } = jittered([0.121, 0.139, 0.5, 0.999], 1);
  await clock.advance(999);
  assert.equal(GRID_MS, 50);
  assert.deepEqual(starts, [100, 100, 500, 950]);
  // Fixed rate keeps them on the grid.
  await clock.advance(1_000);
  assert.deepEqual(starts.slice(4), [1100, 1100, 1500, 1950]);
  s.stop();
});

test('a spread window narrower than the interval keeps first runs inside it, on the grid', async () => {
  const { clock, starts, s } = jittered([0, 0.26, 0.74, 0.999], 10, spreadFor(200));
  await clock.advance(10_000);
  assert.equal(spreadFor(200), 200);
  assert.deepEqual(starts, [0, 50, 100, 150, 10_000]);
  s.stop();
});

test('spreadFor: the first round runs at START_RATE, never past the interval (the scheduler caps it)', () => {
  assert.equal(spreadFor(1), Math.ceil(1000 / START_RATE));
  assert.equal(spreadFor(START_RATE * 3), 3000);
});

test('combined checktype 2: negotiate, connect, connect, negotiate; a failed connect forces a negotiate', async () => {
  const clock = new FakeClock();
  const kinds: string[] = [];
  let failNextConnect = false;
  const s = new Scheduler({
    clock, maxChecks: 0,
    run: (spec: CheckSpec) => {
      kinds.push(spec.kind);
      const up = !(spec.kind === 'connect' && failNextConnect);
      if (spec.kind === 'connect') failNextConnect = false;
      return Promise.resolve({ up, message: '', durationMs: 0 });
    },
    onResult: () => {},
  });
  s.add(probe('10.1.0.1', { checktype: { kind: 'combined', n: 2 } }), 0);
  await clock.advance(4_500);
  assert.deepEqual(kinds, ['negotiate', 'connect', 'connect', 'negotiate', 'connect']);
  failNextConnect = true;
  await clock.advance(3_000);
  assert.deepEqual(kinds.slice(5), ['connect', 'negotiate', 'connect']);
  s.stop();
});

test('maxchecks bounds concurrency; queued probes start as slots free, lag is reported', async () => {
  const clock = new FakeClock();
  let running = 0;
  let peak = 0;
  const lags: number[] = [];
  const s = new Scheduler({
    clock, maxChecks: 2,
    run: () => {
      running++; peak = Math.max(peak, running);
      return new Promise((resolve) => clock.setTimeout(() => { running--; resolve({ up: true, message: '', durationMs: 300 }); }, 300));
    },
    onResult: () => {},
    onStart: (_k, lag) => lags.push(lag),
  });
  for (let i = 1; i <= 5; i++) s.add(probe(`10.1.0.${i}`), 0);
  await clock.advance(900);
  assert.equal(peak, 2);
  assert.deepEqual(lags.slice(0, 5), [0, 0, 300, 300, 600]);
  s.stop();
});

test('remove stops a probe and drops the result of its running check', async () => {
  const clock = new FakeClock();
  const got: string[] = [];
  const s = new Scheduler({
    clock, maxChecks: 0,
    run: () => new Promise((resolve) => clock.setTimeout(() => resolve({ up: true, message: '', durationMs: 0 }), 200)),
    onResult: (k) => got.push(k),
  });
  const p = probe('10.1.0.1');
  s.add(p, 0);
  await clock.advance(100);
  s.remove(p.key);
  await clock.advance(5_000);
  assert.deepEqual(got, []);
  assert.equal(s.size, 0);
});

test('removing a running probe hands its maxchecks slot to a queued one at once', async () => {
  const clock = new FakeClock();
  const starts: string[] = [];
  const s = new Scheduler({
    clock, maxChecks: 1,
    run: (spec) => {
      starts.push(spec.realAddress);
      // 10.1.0.1 hangs until its backstop; the others answer at once.
      if (spec.realAddress === '10.1.0.1') return new Promise<CheckResult>(() => {});
      return Promise.resolve({ up: true, message: '', durationMs: 0 });
    },
    onResult: () => {},
  });
  const hung = probe('10.1.0.1', { checkinterval: 60, negotiatetimeout: 30 });
  s.add(hung, 0);
  s.add(probe('10.1.0.2', { checkinterval: 60 }), 10);
  await clock.advance(20);
  assert.deepEqual(starts, ['10.1.0.1'], 'the second probe waits for the only slot');
  s.remove(hung.key); // e.g. a reload dropped that real
  await clock.advance(100);
  assert.deepEqual(starts, ['10.1.0.1', '10.1.0.2'], 'the queued probe must not wait for an unrelated check to end');
  s.stop();
});
