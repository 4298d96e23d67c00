import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createDirector } from '../../src/director/index.js';
import { MemoryIpvs } from '../../src/ipvs/memory.js';
import { spreadFor } from '../../src/director/scheduler.js';
import { LdError } from '../../src/util/errors.js';
import { memoryLogger } from '../../src/util/log.js';
import type { Config } from '../../src/config/model.js';
import { FakeClock, ScriptedCheck, config, real, virtual } from './helpers.js';

function setup(cfg: Config, ipvs = new MemoryIpvs(), opts: { exec?: string[][] } = {}) {
  const clock = new FakeClock();
  const check = new ScriptedCheck(clock);
  const logger = memoryLogger();
  const execs = opts.exec ?? [];
  const d = createDirector(cfg, {
    ipvs, clock, logger, runCheck: check.fn, hostname: 'lb1', random: () => 0.5, pid: 42,
    sendMail: async () => {}, exec: async (argv) => { execs.push([...argv]); return 0; },
    options: { driftIntervalMs: 30_000 },
  });
  return { d, clock, check, logger, ipvs, execs };
}

const V1 = () => virtual('10.0.0.1', 80, [real('10.1.0.1'), real('10.1.0.2', { weight: 2 })]);

test('start over an empty table: service first, reals only after their first passing check', async () => {
  const s = setup(config([V1()]));
  s.check.health.set('10.1.0.2', false);
  await s.d.start();
  assert.deepEqual(s.ipvs.log.map((o) => o.op), ['addService']);
  await s.clock.advance(10_000);
  await s.d.idle();
  assert.deepEqual(s.ipvs.log.map((o) => o.op), ['addService', 'addDest']);
  const dests = await s.ipvs.listDests({ family: 4, protocol: 'tcp', address: '10.0.0.1', port: 80 });
  assert.deepEqual(dests.map((x) => [x.address, x.weight, x.forward]), [['10.1.0.1', 1, 'masq']]);
  // The down real was never added and removed (the original's startup churn).
  assert.ok(!s.ipvs.log.some((o) => o.op === 'delDest'));
  await s.d.stop();
});

test('start over an existing table adopts healthy reals: zero writes, no add-then-delete', async () => {
  const ipvs = new MemoryIpvs();
  const key = { family: 4, protocol: 'tcp', address: '10.0.0.1', port: 80 } as const;
  await ipvs.apply([
    { op: 'addService', service: { key, scheduler: 'wrr', flags: 0, timeout: 0, netmask: '255.255.255.255' } },
    { op: 'addDest', key, dest: { address: '10.1.0.1', port: 80, forward: 'masq', weight: 1, upperThreshold: 0, lowerThreshold: 0 } },
    { op: 'addDest', key, dest: { address: '10.1.0.2', port: 80, forward: 'masq', weight: 2, upperThreshold: 0, lowerThreshold: 0 } },
  ]);
  const before = ipvs.writes;
  const s = setup(config([V1()]), ipvs);
  await s.d.start();
  await s.clock.advance(25_000);
  await s.d.idle();
  assert.equal(ipvs.writes - before, 0);
  assert.equal(s.d.status().virtuals[0]!.reals.every((r) => r.state === 'up' && r.kernelWeight !== null), true);
  await s.d.stop();
});

test('adoption purges unknown dests and corrects weights of serving reals', async () => {
  const ipvs = new MemoryIpvs();
  const key = { family: 4, protocol: 'tcp', address: '10.0.0.1', port: 80 } as const;
  await ipvs.apply([
    { op: 'addService', service: { key, scheduler: 'rr', flags: 0, timeout: 0, netmask: '255.255.255.255' } },
    { op: 'addDest', key, dest: { address: '10.1.0.1', port: 80, forward: 'masq', weight: 5, upperThreshold: 0, lowerThreshold: 0 } },
    { op: 'addDest', key, dest: { address: '10.9.9.9', port: 80, forward: 'masq', weight: 1, upperThreshold: 0, lowerThreshold: 0 } },
  ]);
  ipvs.resetLog();
  const s = setup(config([V1()]), ipvs);
  await s.d.start();
  assert.deepEqual(ipvs.log.map((o) => o.op), ['editService', 'delDest', 'editDest']);
  assert.ok(s.logger.lines.some((l) => l.includes('Purged real server (start): 10.9.9.9:80 (10.0.0.1:80)')));
  await s.d.stop();
});

test('reload: unchanged config = zero writes; one changed weight = exactly one editDest; health kept', async () => {
  const s = setup(config([V1()]));
  await s.d.start();
  await s.clock.advance(10_000);
  await s.d.idle();
  const w0 = s.ipvs.writes;
  await s.d.reload(config([V1()]));
  assert.equal(s.ipvs.writes - w0, 0);
  s.ipvs.resetLog();
  const changed = virtual('10.0.0.1', 80, [real('10.1.0.1'), real('10.1.0.2', { weight: 7 })]);
  await s.d.reload(config([changed]));
  assert.deepEqual(s.ipvs.log.map((o) => [o.op, 'dest' in o ? o.dest.address : '', 'dest' in o && 'weight' in o.dest ? o.dest.weight : '']),
    [['editDest', '10.1.0.2', 7]]);
  assert.equal(s.d.status().virtuals[0]!.reals.filter((r) => r.state === 'up').length, 2);
  await s.d.stop();
});

test('reload: removed virtual deleted, new virtual added, foreign services untouched', async () => {
  const ipvs = new MemoryIpvs();
  const foreign = { family: 4, protocol: 'udp', address: '192.0.2.9', port: 53 } as const;
  await ipvs.apply([{ op: 'addService', service: { key: foreign, scheduler: 'rr', flags: 0, timeout: 0, netmask: '255.255.255.255' } }]);
  const s = setup(config([V1()]), ipvs);
  await s.d.start();
  await s.clock.advance(10_000);
  await s.d.idle();
  ipvs.resetLog();
  const v2 = virtual('10.0.0.2', 443, [real('10.1.0.3', { port: 443 })], { service: 'https' });
  await s.d.reload(config([v2]));
  assert.deepEqual(ipvs.log.map((o) => o.op).sort(), ['addService', 'delService']);
  const keys = (await ipvs.listServices()).map((x) => `${x.key.protocol}:${x.key.address}:${x.key.port}`).sort();
  assert.deepEqual(keys, ['tcp:10.0.0.2:443', 'udp:192.0.2.9:53']);
  await s.d.stop();
  assert.deepEqual((await ipvs.listServices()).map((x) => x.key.address), ['192.0.2.9']);
});

test('a failed write is logged and retried by the next pass', async () => {
  let fail = true;
  const ipvs = new MemoryIpvs({ failOp: (op) => (fail && op.op === 'addDest' ? new LdError('LD_ERR_IPVS_KERNEL', 'ENOMEM') : undefined) });
  const s = setup(config([V1()]), ipvs);
  await s.d.start();
  await s.clock.advance(10_000);
  await s.d.idle();
  assert.equal((await ipvs.listDests({ family: 4, protocol: 'tcp', address: '10.0.0.1', port: 80 })).length, 0);
  assert.ok(s.logger.lines.some((l) => l.startsWith('error: ipvs addDest')));
  fail = false;
  await s.clock.advance(1_000);
  await s.d.idle();
  assert.equal((await ipvs.listDests({ family: 4, protocol: 'tcp', address: '10.0.0.1', port: 80 })).length, 2);
  assert.ok(s.d.status().counters.ipvsErrors >= 2);
  await s.d.stop();
});

test('stop: cleanstop=yes removes the service, cleanstop=no leaves the table as it is', async () => {
  for (const cleanstop of [true, false]) {
    const v = virtual('10.0.0.1', 80, [real('10.1.0.1')], { cleanstop });
    const s = setup(config([v]));
    await s.d.start();
    await s.clock.advance(10_000);
    await s.d.stop();
    const n = (await s.ipvs.listServices()).length;
    assert.equal(n, cleanstop ? 0 : 1, `cleanstop=${cleanstop}`);
    assert.equal(s.d.status().status, 'stopped');
  }
});

test('drift made by another tool is detected on the periodic re-read and corrected', async () => {
  const s = setup(config([V1()]));
  await s.d.start();
  await s.clock.advance(10_000);
  await s.d.idle();
  const key = { family: 4, protocol: 'tcp', address: '10.0.0.1', port: 80 } as const;
  await s.ipvs.apply([{ op: 'delDest', key, dest: { address: '10.1.0.2', port: 80 } }]);
  await s.clock.advance(31_000);
  await s.d.idle();
  assert.equal((await s.ipvs.listDests(key)).length, 2);
  assert.ok(s.logger.lines.some((l) => l.includes('IPVS table drift on 10.0.0.1:80')));
  assert.equal(s.d.status().counters.driftCorrections, 1);
  await s.d.stop();
});

test('soft failures: failurecount per virtual even when two virtuals share one check', async () => {
  const r = real('10.1.0.1');
  const a = virtual('10.0.0.1', 80, [r], { failurecount: 3 });
  const b = virtual('10.0.0.2', 80, [r], { failurecount: 3 });
  const s = setup(config([a, b]));
  await s.d.start();
  // New probes start at START_RATE: two of them within a few ms of start, then every 10 s.
  await s.clock.advance(5_000);
  await s.d.idle();
  const calls0 = s.check.calls.length;
  assert.equal(calls0, 1, 'identical checks run once');
  s.check.health.set('10.1.0.1', false);
  await s.clock.advance(20_000); // two failures
  await s.d.idle();
  let st = s.d.status();
  assert.deepEqual(st.virtuals.map((v) => [v.reals[0]!.state, v.reals[0]!.failcount]), [['up', 2], ['up', 2]]);
  await s.clock.advance(10_000);
  await s.d.idle();
  st = s.d.status();
  assert.deepEqual(st.virtuals.map((v) => v.reals[0]!.state), ['down', 'down']);
  assert.equal(s.check.calls.length, 4);
  await s.d.stop();
});

test('a batch that fails as a whole (handle error) is retried after a re-read', async () => {
  const ipvs = new MemoryIpvs();
  let broken = true;
  const apply = ipvs.apply.bind(ipvs);
  ipvs.apply = async (ops) => { if (broken) throw new LdError('LD_ERR_NETLINK_TIMEOUT', 'no reply'); return apply(ops); };
  const s = setup(config([V1()]), ipvs);
  await s.d.start();
  assert.ok(s.logger.lines.some((l) => l.startsWith('error: ipvs sync failed')));
  broken = false;
  await s.clock.advance(10_000);
  await s.d.idle();
  assert.equal((await ipvs.listDests({ family: 4, protocol: 'tcp', address: '10.0.0.1', port: 80 })).length, 2);
  await s.d.stop();
});

test('quiescent + readdquiescent: a quiesced real deleted by hand comes back only with readdquiescent=yes', async () => {
  for (const readdquiescent of [false, true]) {
    const v = virtual('10.0.0.1', 80, [real('10.1.0.1'), real('10.1.0.2')], { quiescent: true });
    const s = setup(config([v], { readdquiescent }));
    await s.d.start();
    await s.clock.advance(10_000);
    await s.d.idle();
    s.check.health.set('10.1.0.2', false);
    await s.clock.advance(10_000);
    await s.d.idle();
    const key = { family: 4, protocol: 'tcp', address: '10.0.0.1', port: 80 } as const;
    assert.deepEqual((await s.ipvs.listDests(key)).map((x) => `${x.address}/${x.weight}`).sort(), ['10.1.0.1/1', '10.1.0.2/0']);
    await s.ipvs.apply([{ op: 'delDest', key, dest: { address: '10.1.0.2', port: 80 } }]);
    await s.clock.advance(31_000); // drift re-read
    await s.d.idle();
    const has = (await s.ipvs.listDests(key)).some((x) => x.address === '10.1.0.2');
    assert.equal(has, readdquiescent, `readdquiescent=${readdquiescent}`);
    await s.d.stop();
  }
});

test('readdquiescent=no: a real down from its first check is added at weight 0 once; deleted by hand, drift leaves it out', async () => {
  for (const readdquiescent of [false, true]) {
    const v = virtual('10.0.0.1', 80, [real('10.1.0.1'), real('10.1.0.2')], { quiescent: true });
    const s = setup(config([v], { readdquiescent }));
    s.check.health.set('10.1.0.2', false);
    await s.d.start();
    await s.clock.advance(10_000);
    await s.d.idle();
    const key = { family: 4, protocol: 'tcp', address: '10.0.0.1', port: 80 } as const;
    assert.deepEqual((await s.ipvs.listDests(key)).map((x) => `${x.address}/${x.weight}`).sort(), ['10.1.0.1/1', '10.1.0.2/0'],
      'the original adds a real that is down at start, quiesced');
    await s.ipvs.apply([{ op: 'delDest', key, dest: { address: '10.1.0.2', port: 80 } }]);
    await s.clock.advance(31_000); // drift re-read
    await s.d.idle();
    const has = (await s.ipvs.listDests(key)).some((x) => x.address === '10.1.0.2');
    assert.equal(has, readdquiescent, `readdquiescent=${readdquiescent}: an admin's ipvsadm -d stays unless readdquiescent=yes`);
    await s.d.stop();
  }
});

test('IPv6 virtual: family 6 keys, canonical addresses, prefix netmask', async () => {
  const v = virtual('2001:db8::1', 80, [real('2001:DB8:0::10', { family: 6 })], { family: 6, id: 'tcp:[2001:db8::1]:80' });
  const s = setup(config([v]));
  await s.d.start();
  await s.clock.advance(10_000);
  await s.d.idle();
  const [svc] = await s.ipvs.listServices();
  assert.deepEqual(svc!.key, { family: 6, protocol: 'tcp', address: '2001:db8::1', port: 80 });
  assert.equal(svc!.netmask, '128');
  assert.deepEqual((await s.ipvs.listDests(svc!.key)).map((x) => [x.address, x.family]), [['2001:db8::10', 6]]);
  const w = s.ipvs.writes;
  await s.d.reload(config([v]));
  assert.equal(s.ipvs.writes, w);
  await s.d.stop();
});

test('reload with a changed check keeps the real in the kernel until its new check answers', async () => {
  const s = setup(config([V1()]));
  await s.d.start();
  await s.clock.advance(10_000);
  await s.d.idle();
  s.ipvs.resetLog();
  const changed = virtual('10.0.0.1', 80, [real('10.1.0.1'), real('10.1.0.2', { weight: 2 })], { request: '/health' });
  await s.d.reload(config([changed]));
  assert.equal(s.ipvs.log.length, 0);
  assert.deepEqual(s.d.status().virtuals[0]!.reals.map((r) => r.state), ['unknown', 'unknown']);
  s.check.health.set('10.1.0.2', false);
  await s.clock.advance(10_000);
  await s.d.idle();
  assert.deepEqual(s.ipvs.log.map((o) => o.op), ['delDest']);
  assert.equal(s.check.calls.at(-1)!.spec.request, '/health');
  await s.d.stop();
});

test('emailalertstatus filters by daemon status: running-only gets no startup mail', async () => {
  const mails: string[] = [];
  const clock = new FakeClock();
  const check = new ScriptedCheck(clock);
  const v = virtual('10.0.0.1', 80, [real('10.1.0.1')], { emailalert: ['ops@x.test'], emailalertstatus: 2 });
  const d = createDirector(config([v]), {
    ipvs: new MemoryIpvs(), clock, logger: memoryLogger(), runCheck: check.fn, random: () => 0.5,
    sendMail: async (m) => { mails.push(m.subject); }, exec: async () => 0,
  });
  await d.start();
  await clock.advance(10_000);
  await d.idle();
  assert.deepEqual(mails, [], 'the Added mail was sent while starting');
  check.health.set('10.1.0.1', false);
  await clock.advance(10_000);
  await d.idle();
  assert.deepEqual(mails, ['Deleted real server: 10.1.0.1:80 (10.0.0.1:80)']);
  await d.stop();
});

test('a reload while a write pass is in flight waits for it: no double writes, no errors', async () => {
  const ipvs = new MemoryIpvs();
  const s = setup(config([V1()]), ipvs);
  await s.d.start();
  await s.clock.advance(5_001); // first round (random 0.5 x 10 s)
  await s.d.idle();
  let release!: () => void;
  const gate = new Promise<void>((r) => { release = r; });
  const apply = ipvs.apply.bind(ipvs);
  ipvs.apply = async (ops) => { await gate; return apply(ops); };
  s.check.health.set('10.1.0.1', false);
  await s.clock.advance(10_000); // the delDest pass is now blocked in apply
  const changed = virtual('10.0.0.1', 80, [real('10.1.0.1'), real('10.1.0.2', { weight: 5 })]);
  const reloading = s.d.reload(config([changed]));
  await new Promise((r) => setImmediate(r));
  release();
  await reloading;
  await s.d.idle();
  const dests = await ipvs.listDests({ family: 4, protocol: 'tcp', address: '10.0.0.1', port: 80 });
  assert.deepEqual(dests.map((x) => `${x.address}/${x.weight}`), ['10.1.0.2/5']);
  assert.equal(s.d.status().counters.ipvsErrors, 0);
  await s.d.stop();
});

test('stop: a handle error on one virtual does not keep the others in the table; stop ends stopped and says why', async () => {
  const ipvs = new MemoryIpvs();
  const apply = ipvs.apply.bind(ipvs);
  const s = setup(config([virtual('10.0.0.1', 80, [real('10.1.0.1')]), virtual('10.0.0.2', 80, [real('10.1.0.2')])]), ipvs);
  await s.d.start();
  await s.clock.advance(10_000);
  await s.d.idle();
  // The first delService times out in the kernel socket; the second one would succeed.
  let calls = 0;
  ipvs.apply = async (ops) => { if (calls++ === 0) throw new LdError('LD_ERR_NETLINK_TIMEOUT', 'no reply'); return apply(ops); };
  await s.d.stop();
  assert.equal((await ipvs.listServices()).length, 1, 'the second virtual is still cleaned up');
  assert.equal(s.d.status().status, 'stopped');
  assert.ok(s.logger.lines.some((l) => /^error: .*stop.*10\.0\.0\.1:80.*no reply/.test(l)), s.logger.lines.join('\n'));
  assert.ok(!s.logger.lines.some((l) => /will retry/.test(l) && /stop/.test(l)));
});

test('stop: a refused delService is logged as a stop failure, not as "will retry"', async () => {
  const s = setup(config([virtual('10.0.0.1', 80, [real('10.1.0.1')])]), new MemoryIpvs({
    failOp: (op) => (op.op === 'delService' ? new LdError('LD_ERR_IPVS_KERNEL', 'EBUSY') : undefined),
  }));
  await s.d.start();
  await s.clock.advance(10_000);
  await s.d.idle();
  const n = s.logger.lines.length;
  await s.d.stop();
  const after = s.logger.lines.slice(n);
  assert.ok(after.some((l) => /^error: .*10\.0\.0\.1:80.*EBUSY.*stop/.test(l)), after.join('\n'));
  assert.ok(!after.some((l) => /will retry/.test(l)), after.join('\n'));
  assert.ok(!after.some((l) => /^info: Purged virtual server/.test(l)));
});

test('a write made while the drift re-read is in flight is not forgotten: a real that then goes down is removed at once', async () => {
  const ipvs = new MemoryIpvs();
  const listDests = ipvs.listDests.bind(ipvs);
  let gate: Promise<void> | undefined;
  let release = (): void => {};
  // The re-read takes its snapshot, then the reply is slow (a big table, a busy kernel).
  ipvs.listDests = async (k) => { const snap = await listDests(k); if (gate) await gate; return snap; };
  const s = setup(config([V1()]), ipvs);
  const key = { family: 4, protocol: 'tcp', address: '10.0.0.1', port: 80 } as const;
  s.check.health.set('10.1.0.2', false);
  await s.d.start();
  await s.clock.advance(29_000);
  await s.d.idle();
  assert.deepEqual((await listDests(key)).map((d) => d.address), ['10.1.0.1']);
  gate = new Promise<void>((r) => { release = r; });
  await s.clock.advance(1_000); // the drift re-read starts and hangs in listDests
  s.check.health.set('10.1.0.2', true);
  await s.clock.advance(11_000); // 10.1.0.2 passes its check (at 40 s) during the re-read
  gate = undefined;
  release();
  await s.clock.advance(1);
  await s.d.idle();
  assert.deepEqual((await listDests(key)).map((d) => d.address).sort(), ['10.1.0.1', '10.1.0.2']);
  s.check.health.set('10.1.0.2', false);
  await s.clock.advance(10_000);
  await s.d.idle();
  assert.deepEqual((await listDests(key)).map((d) => d.address), ['10.1.0.1'], 'the dead real must leave the table now, not at the next drift pass');
  await s.d.stop();
});

test('a reload during the first round keeps the status starting until every real has answered', async () => {
  const s = setup(config([V1()]));
  await s.d.start();
  assert.equal(s.d.status().status, 'starting');
  await s.d.reload(config([V1()]));
  assert.equal(s.d.status().status, 'starting', 'no real has answered yet');
  await s.clock.advance(10_000);
  await s.d.idle();
  await s.clock.advance(1);
  assert.equal(s.d.status().status, 'running');
  await s.d.reload(config([V1()]));
  assert.equal(s.d.status().status, 'running');
  await s.d.stop();
});

test('reload applies a changed maxchecks to the running scheduler', async () => {
  const v = virtual('10.0.0.1', 80, [real('10.1.0.1'), real('10.1.0.2'), real('10.1.0.3')]);
  const s = setup(config([v], { maxchecks: 1 }));
  for (const a of ['10.1.0.1', '10.1.0.2', '10.1.0.3']) s.check.hang.add(a);
  await s.d.start();
  await s.clock.advance(100); // the first round starts at once (START_RATE), the hung checks hold the slot
  assert.equal(s.check.calls.length, 1, 'maxchecks=1: one check at a time');
  await s.d.reload(config([v], { maxchecks: 3 }));
  await s.clock.advance(1);
  assert.equal(s.check.calls.length, 3, 'maxchecks=3 after the reload: the queued checks start');
  await s.d.stop();
});

test('start: the first round of new probes runs at START_RATE, not spread over the whole interval', async () => {
  const reals = Array.from({ length: 50 }, (_, i) => real(`10.1.1.${i + 1}`));
  const s = setup(config([virtual('10.0.0.1', 80, reals)]));
  await s.d.start();
  await s.clock.advance(spreadFor(50) + 1);
  await s.d.idle();
  assert.equal(s.check.calls.length, 50, 'every real checked within 50 ms of start (interval 10 s)');
  const dests = await s.ipvs.listDests({ family: 4, protocol: 'tcp', address: '10.0.0.1', port: 80 });
  assert.equal(dests.length, 50);
  await s.d.stop();
});
