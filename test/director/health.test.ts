import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createDirector } from '../../src/director/index.js';
import type { DrainRecord } from '../../src/director/drain.js';
import { HEALTH_SCHEMA, type HealthSnapshot, type RealView } from '../../src/director/health.js';
import type { DrainStore } from '../../src/director/types.js';
import { MemoryIpvs } from '../../src/ipvs/memory.js';
import type { Config } from '../../src/config/model.js';
import { memoryLogger, type Logger } from '../../src/util/log.js';
import { FakeClock, ScriptedCheck, config, real, virtual } from './helpers.js';

const KEY = { family: 4, protocol: 'tcp', address: '10.0.0.1', port: 80 } as const;

/** memStore is a DrainStore over an array (what the state file holds), counting saves. */
function memStore(records: DrainRecord[] = []): DrainStore & { records: DrainRecord[]; saves: number } {
  const s = {
    records, saves: 0,
    load: () => [...s.records],
    save: async (r: readonly DrainRecord[]) => { s.records = [...r]; s.saves++; },
  };
  return s;
}

function setup(cfg: Config, o: { store?: DrainStore; ipvs?: MemoryIpvs; logger?: Logger & { lines: string[] }; fs?: string[] } = {}) {
  const clock = new FakeClock();
  const check = new ScriptedCheck(clock);
  const logger = o.logger ?? memoryLogger();
  const ipvs = o.ipvs ?? new MemoryIpvs();
  const d = createDirector(cfg, {
    ipvs, clock, logger, runCheck: check.fn, hostname: 'lb1', random: () => 0.5, pid: 42,
    sendMail: async () => {}, exec: async () => 0,
    ...(o.fs ? { fs: { readdir: async () => o.fs!, appendFile: async () => {} } } : {}),
    ...(o.store ? { drainStore: o.store } : {}),
  });
  return { d, clock, check, logger, ipvs };
}

const realOf = (h: HealthSnapshot, addr: string, vi = 0): RealView => {
  const r = h.virtuals[vi]!.reals.find((x) => x.address === addr);
  assert.ok(r, `real ${addr} in the view`);
  return r;
};

const weights = async (ipvs: MemoryIpvs): Promise<Record<string, number>> =>
  Object.fromEntries((await ipvs.listDests(KEY)).map((d) => [d.address, d.weight]));

test('health view: pending before the first round, then up / quiescent / down with reason, latency, failures and since', async () => {
  const v = virtual('10.0.0.1', 80, [real('10.1.0.1', { weight: 3 }), real('10.1.0.2'), real('10.1.0.3', { forward: 'gate' })],
    { quiescent: true, failurecount: 2, fallback: { family: 4, address: '127.0.0.1', port: 80, forward: 'masq' } } as never);
  const s = setup(config([v]));
  s.check.health.set('10.1.0.2', false);
  await s.d.start();
  let h = s.d.health();
  assert.equal(h.schema, HEALTH_SCHEMA);
  assert.equal(h.config, 'test.cf');
  assert.equal(h.virtuals[0]!.line, 'TCP  10.0.0.1:80 wrr');
  assert.equal(realOf(h, '10.1.0.1').health, 'pending');
  assert.equal(realOf(h, '10.1.0.1').last, null);
  assert.equal(h.virtuals[0]!.settled, false);

  await s.clock.advance(10_000);
  await s.d.idle();
  h = s.d.health();
  const up = realOf(h, '10.1.0.1');
  assert.equal(up.health, 'up');
  assert.deepEqual(up.weight, { kernel: 3, configured: 3 });
  assert.equal(up.forward, 'Masq');
  assert.deepEqual([up.last?.ok, up.last?.reason, up.last?.latencyMs], [true, '200 OK', 1]);
  assert.equal(realOf(h, '10.1.0.3').forward, 'Route');
  // A first failing check takes a never-served real down at once; quiescent=yes keeps it at 0.
  const q = realOf(h, '10.1.0.2');
  assert.equal(q.health, 'quiescent');
  assert.deepEqual(q.weight, { kernel: 0, configured: 1 });
  assert.equal(q.last?.reason, '500 Internal Server Error');
  assert.equal(h.virtuals[0]!.fallbackActive, false);
  assert.equal(h.virtuals[0]!.fallback?.active, false);
  assert.equal(h.virtuals[0]!.settled, true);

  // One soft failure of the up real: still up, failures 1/2; the second takes it down.
  const sinceUp = up.since;
  s.check.health.set('10.1.0.1', false);
  await s.clock.advance(10_000);
  await s.d.idle();
  h = s.d.health();
  assert.deepEqual([realOf(h, '10.1.0.1').health, realOf(h, '10.1.0.1').failures, realOf(h, '10.1.0.1').failurecount], ['up', 1, 2]);
  assert.equal(realOf(h, '10.1.0.1').since, sinceUp, 'a soft failure is not a state change');
  await s.clock.advance(10_000);
  await s.d.idle();
  h = s.d.health();
  assert.equal(realOf(h, '10.1.0.1').health, 'quiescent');
  assert.ok(Date.parse(realOf(h, '10.1.0.1').since) > Date.parse(sinceUp), 'since moves with the change');
  assert.equal(realOf(h, '10.1.0.1').failures, 2);
  const changes = s.logger.lines.filter((l) => l.includes('Real server 10.1.0.1:80 (tcp:10.0.0.1:80) is down'));
  assert.deepEqual(changes, ['info: Real server 10.1.0.1:80 (tcp:10.0.0.1:80) is down: 500 Internal Server Error (failure 2/2, 1.0 ms)']);
  await s.d.stop();
});

test('health view: checktype=off reals are off, maintenancedir reals are in maintenance, quorum is shown', async () => {
  const off = virtual('10.0.0.2', 80, [real('10.2.0.1')], { checktype: { kind: 'off' } });
  const maint = virtual('10.0.0.1', 80, [real('10.1.0.1', { weight: 2 }), real('10.1.0.2', { weight: 2 })], { quorum: 3, hysteresis: 1 });
  const s = setup(config([maint, off], { maintenancedir: '/m' }), { fs: ['10.1.0.2'] });
  await s.d.start();
  await s.clock.advance(10_000);
  await s.d.idle();
  const h = s.d.health();
  assert.equal(realOf(h, '10.1.0.2').health, 'maintenance');
  assert.equal(realOf(h, '10.1.0.2').last?.reason, 'Server in maintenance');
  assert.equal(realOf(h, '10.2.0.1', 1).health, 'off');
  assert.deepEqual(h.virtuals[0]!.quorum, { ok: false, liveWeight: 2, quorum: 3, hysteresis: 1 });
  assert.equal(h.virtuals[0]!.fallbackActive, true);
  await s.d.stop();
});

test('drain: weight 0 at once, kept across reload and a new director (restart), enable waits for a check that starts after it', async () => {
  // cleanstop=no: the table outlives the first director, as across a restart.
  const v = virtual('10.0.0.1', 80, [real('10.1.0.1', { weight: 3 }), real('10.1.0.2')], { cleanstop: false });
  const store = memStore();
  const ipvs = new MemoryIpvs();
  const s = setup(config([v]), { store, ipvs });
  await s.d.start();
  await s.clock.advance(10_000);
  await s.d.idle();
  assert.deepEqual(await weights(ipvs), { '10.1.0.1': 3, '10.1.0.2': 1 });

  await assert.rejects(s.d.drain('10.9.9.9:80', 'x'), /no real server in \/etc\/ha\.d\/test\.cf matches 10\.9\.9\.9:80/);
  assert.equal(store.saves, 0, 'a drain that matches nothing is not saved');
  assert.deepEqual(await s.d.drain('10.1.0.1:80', 'kernel upgrade'), ['10.1.0.1:80 (tcp:10.0.0.1:80)']);
  await s.d.idle();
  assert.deepEqual(await weights(ipvs), { '10.1.0.1': 0, '10.1.0.2': 1 }, 'drained: kept in the table at weight 0');
  assert.deepEqual(store.records.map((r) => [r.target, r.reason]), [['10.1.0.1:80', 'kernel upgrade']]);
  let r = realOf(s.d.health(), '10.1.0.1');
  assert.equal(r.health, 'drained');
  assert.equal(r.drain?.reason, 'kernel upgrade');
  assert.ok(s.logger.lines.includes('warn: Drained real server: 10.1.0.1:80 (tcp:10.0.0.1:80): kernel upgrade'));

  // Passing checks do not undo a drain; neither does a reload.
  await s.clock.advance(30_000);
  await s.d.reload(config([v]));
  await s.d.idle();
  assert.equal((await weights(ipvs))['10.1.0.1'], 0);
  await s.d.stop();

  // Restart: a new director over the same table and state file adopts, then keeps the drain.
  const s2 = setup(config([v]), { store, ipvs });
  await s2.d.start();
  await s2.clock.advance(10_000);
  await s2.d.idle();
  assert.equal(realOf(s2.d.health(), '10.1.0.1').health, 'drained');
  assert.equal((await weights(ipvs))['10.1.0.1'], 0);

  // enable while the real fails: it stays out until a check started after enable passes.
  s2.check.health.set('10.1.0.1', false);
  assert.deepEqual(await s2.d.enable('10.1.0.1'), ['10.1.0.1:80 (tcp:10.0.0.1:80)']);
  assert.deepEqual(store.records, [], 'enable removes the drain from the state file');
  r = realOf(s2.d.health(), '10.1.0.1');
  assert.deepEqual([r.health, r.drain?.enabling], ['drained', true]);
  await s2.clock.advance(10_000);
  await s2.d.idle();
  assert.equal((await weights(ipvs))['10.1.0.1'], 0, 'a failing check does not bring it back');
  s2.check.health.set('10.1.0.1', true);
  await s2.clock.advance(10_000);
  await s2.d.idle();
  assert.equal((await weights(ipvs))['10.1.0.1'], 3, 'the first passing check does');
  assert.equal(realOf(s2.d.health(), '10.1.0.1').drain, null);
  await assert.rejects(s2.d.enable('10.1.0.1'), /no drained real server matches 10\.1\.0\.1/);
  await s2.d.stop();
});

test('drain: every real gone to drain brings in the fallback (a drained real is not live)', async () => {
  const v = virtual('10.0.0.1', 80, [real('10.1.0.1')], { fallback: { family: 4, address: '127.0.0.1', port: 80, forward: 'masq' } } as never);
  const s = setup(config([v]), { store: memStore() });
  await s.d.start();
  await s.clock.advance(10_000);
  await s.d.idle();
  assert.equal(s.d.health().virtuals[0]!.fallbackActive, false);
  await s.d.drain('10.1.0.1', '');
  await s.d.idle();
  const h = s.d.health();
  assert.equal(h.virtuals[0]!.fallbackActive, true);
  assert.equal(h.virtuals[0]!.fallback?.kernelWeight, 1);
  await s.d.stop();
});

test('-d: one debug line per check with its reason and latency, and none built without -d', async () => {
  const v = virtual('10.0.0.1', 80, [real('10.1.0.1')]);
  const plain = memoryLogger();
  const s = setup(config([v]), { logger: plain });
  await s.d.start();
  await s.clock.advance(10_000);
  await s.d.stop();
  assert.equal(plain.lines.filter((l) => l.startsWith('debug: Check')).length, 0);

  const dbg = Object.assign(memoryLogger(), { debugEnabled: () => true });
  const s2 = setup(config([v]), { logger: dbg });
  s2.check.health.set('10.1.0.1', false);
  await s2.d.start();
  await s2.clock.advance(10_000);
  await s2.d.stop();
  const lines = dbg.lines.filter((l) => l.startsWith('debug: Check'));
  assert.ok(lines.length >= 1);
  for (const l of lines) assert.equal(l, 'debug: Check http 10.1.0.1:80: down: 500 Internal Server Error (1.0 ms)');
});
