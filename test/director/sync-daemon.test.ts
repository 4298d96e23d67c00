// The director's sync daemons (sync-daemon.ts) over the in-memory IPVS double: idempotent start and
// reload, conflicts left alone, a config without the directive touching nothing, stop leaving them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createDirector } from '../../src/director/index.js';
import { matches, planSync, RETRY_MS, SyncDaemons } from '../../src/director/sync-daemon.js';
import { TextSink } from '../../src/director/exposition.js';
import { renderHealth } from '../../src/cli/show-text.js';
import type { SyncDaemonSpec } from '../../src/config/model.js';
import { MemoryIpvs } from '../../src/ipvs/memory.js';
import type { IpvsSyncDaemon } from '../../src/ipvs/types.js';
import { memoryLogger } from '../../src/util/log.js';
import { FakeClock, ScriptedCheck, config, real, virtual } from './helpers.js';

const spec = (state: 'master' | 'backup', over: Partial<SyncDaemonSpec> = {}): SyncDaemonSpec =>
  ({ state, interface: 'eth1', syncid: 10, line: 3, ...over });
const both = (over: Partial<SyncDaemonSpec> = {}): SyncDaemonSpec[] => [spec('master', over), spec('backup', over)];
const kernel = (over: Partial<IpvsSyncDaemon> = {}): IpvsSyncDaemon =>
  ({ state: 'master', mcastIfn: 'eth1', syncId: 10, syncMaxLen: 1472, mcastGroup: '224.0.0.81', mcastPort: 8848, mcastTtl: 1, ...over });

function setup(ipvs = new MemoryIpvs()) {
  const logger = memoryLogger();
  return { ipvs, logger, sync: new SyncDaemons(ipvs, logger) };
}

test('matches: interface, syncid and every option; left-out options must be at the kernel default (but maxlen)', () => {
  const cases: { desc: string; s: SyncDaemonSpec; k: IpvsSyncDaemon; want: boolean }[] = [
    { desc: 'same', s: spec('master'), k: kernel(), want: true },
    { desc: 'other state', s: spec('backup'), k: kernel(), want: false },
    { desc: 'other interface', s: spec('master'), k: kernel({ mcastIfn: 'eth2' }), want: false },
    { desc: 'other syncid', s: spec('master'), k: kernel({ syncId: 11 }), want: false },
    { desc: 'maxlen left out: any (it follows the MTU)', s: spec('master'), k: kernel({ syncMaxLen: 8972 }), want: true },
    { desc: 'maxlen given and different', s: spec('master', { maxlen: 1400 }), k: kernel(), want: false },
    { desc: 'maxlen given and same', s: spec('master', { maxlen: 1472 }), k: kernel(), want: true },
    { desc: 'port left out, kernel on 9000', s: spec('master'), k: kernel({ mcastPort: 9000 }), want: false },
    { desc: 'group left out, kernel on another group', s: spec('master'), k: kernel({ mcastGroup: '239.1.1.1' }), want: false },
    { desc: 'group given, case differs', s: spec('master', { group: 'FF02::81' }), k: kernel({ mcastGroup: 'ff02::81' }), want: true },
    { desc: 'ttl given and different', s: spec('master', { ttl: 2 }), k: kernel(), want: false },
    { desc: 'an old kernel reports no group/port/ttl', s: spec('master'), k: { state: 'master', mcastIfn: 'eth1', syncId: 10 }, want: true },
  ];
  for (const c of cases) assert.equal(matches(c.s, c.k), c.want, c.desc);
  assert.equal(planSync(spec('master'), undefined, false), 'start');
  assert.equal(planSync(spec('master'), kernel(), false), 'keep');
  assert.equal(planSync(spec('master'), kernel({ syncId: 3 }), false), 'conflict');
  assert.equal(planSync(spec('master'), kernel({ syncId: 3 }), true), 'replace');
});

test('start, then the same directive again (reload, restart): nothing is written, nothing stopped', async () => {
  const s = setup();
  await s.sync.configure(both(), 0);
  assert.deepEqual((await s.ipvs.listDaemons()).map((d) => [d.state, d.mcastIfn, d.syncId]), [['master', 'eth1', 10], ['backup', 'eth1', 10]]);
  assert.equal(s.ipvs.writes, 2);
  await s.sync.configure(both(), 1000);
  assert.equal(s.ipvs.writes, 2, 'reload with the same directive writes nothing');
  // A new process (restart) finds them running as configured: kept, shown as started by another tool.
  const again = setup(s.ipvs);
  await again.sync.configure(both(), 0);
  assert.equal(s.ipvs.writes, 2, 'restart with the same directive writes nothing');
  assert.deepEqual(again.sync.view().map((v) => [v.state, v.status, v.owner]), [['master', 'running', 'other'], ['backup', 'running', 'other']]);
  assert.ok(again.logger.lines.some((l) => /master sync daemon already runs as configured/.test(l)));
  assert.deepEqual(s.sync.view().map((v) => [v.state, v.status, v.owner]), [['master', 'running', 'ldirectord'], ['backup', 'running', 'ldirectord']]);
});

test('a daemon someone else started with other parameters is a conflict: logged once, shown, never stopped; taken up once it is gone', async () => {
  const s = setup();
  await s.ipvs.startDaemon({ state: 'master', mcastIfn: 'eth0', syncId: 1 });
  const before = s.ipvs.writes;
  await s.sync.configure(both(), 0);
  const daemons = await s.ipvs.listDaemons();
  assert.deepEqual(daemons.map((d) => [d.state, d.mcastIfn, d.syncId]), [['master', 'eth0', 1], ['backup', 'eth1', 10]]);
  assert.equal(s.ipvs.writes, before + 1, 'only the backup was started');
  const v = s.sync.view();
  assert.equal(v[0]!.status, 'conflict');
  assert.equal(v[0]!.owner, 'other');
  assert.match(v[0]!.message!, /runs a master sync daemon \(mcast=eth0, syncid=1.*did not start; syncdaemon= at line 3 wants \(mcast=eth1, syncid=10\): left alone/);
  const warns = () => s.logger.lines.filter((l) => l.startsWith('warn: Sync daemon conflict')).length;
  assert.equal(warns(), 1);
  // Reload and the periodic look log nothing new while nothing changed.
  await s.sync.configure(both(), 10);
  s.sync.tick(10 + RETRY_MS);
  await s.sync.configure(both(), 20 + RETRY_MS);
  assert.equal(warns(), 1);
  assert.equal(s.ipvs.writes, before + 1, 'the conflicting master was never touched');
  // The admin stops the other master: the next look starts ours.
  await s.ipvs.stopDaemon('master');
  s.sync.tick(30 + 2 * RETRY_MS);
  await s.sync.configure(both(), 40 + 2 * RETRY_MS);
  assert.deepEqual((await s.ipvs.listDaemons()).map((d) => [d.state, d.mcastIfn]), [['master', 'eth1'], ['backup', 'eth1']]);
  assert.equal(s.sync.view()[0]!.status, 'running');
  assert.ok(s.logger.lines.some((l) => /Started master sync daemon \(mcast=eth1, syncid=10\)/.test(l)));
});

test('a config without the directive touches nothing, not even after it had one', async () => {
  const s = setup();
  await s.ipvs.startDaemon({ state: 'backup', mcastIfn: 'eth0', syncId: 1 });
  await s.sync.configure(undefined, 0);
  assert.equal(s.ipvs.writes, 1);
  await s.sync.configure(both(), 0);
  assert.equal(s.sync.view()[1]!.status, 'conflict');
  const writes = s.ipvs.writes;
  await s.sync.configure(undefined, 0);
  assert.equal(s.ipvs.writes, writes, 'removing the directive stops nothing');
  assert.equal((await s.ipvs.listDaemons()).length, 2);
  assert.deepEqual(s.sync.view(), []);
  assert.ok(s.logger.lines.some((l) => /no longer in the configuration: the running sync daemons are left alone/.test(l)));
  // Dropping only the backup from the directive leaves the backup running too.
  const t = setup();
  await t.sync.configure(both(), 0);
  await t.sync.configure([spec('master')], 0);
  assert.equal((await t.ipvs.listDaemons()).length, 2);
});

test('a changed directive replaces only the daemon this process started, and only while it is still the one it started', async () => {
  const s = setup();
  await s.sync.configure([spec('master')], 0);
  await s.sync.configure([spec('master', { syncid: 11 })], 0);
  assert.deepEqual((await s.ipvs.listDaemons()).map((d) => d.syncId), [11]);
  assert.ok(s.logger.lines.some((l) => /warn: Restarting the master sync daemon for the changed syncdaemon= \(was mcast=eth1, syncid=10.*now mcast=eth1, syncid=11\)/.test(l)));
  // Someone replaces ours by hand: not ours any more, so a change of the directive is a conflict.
  await s.ipvs.stopDaemon('master');
  await s.ipvs.startDaemon({ state: 'master', mcastIfn: 'eth0', syncId: 11 });
  await s.sync.configure([spec('master', { syncid: 12 })], 0);
  assert.deepEqual((await s.ipvs.listDaemons()).map((d) => [d.mcastIfn, d.syncId]), [['eth0', 11]]);
  assert.equal(s.sync.view()[0]!.status, 'conflict');
});

test('a start the kernel refuses (no such interface yet) is failed, logged once, and retried every RETRY_MS', async () => {
  const ipvs = new MemoryIpvs({ interfaces: ['eth1'] });
  const s = setup(ipvs);
  await s.sync.configure(both({ interface: 'bond0' }), 0);
  const v = s.sync.view();
  assert.deepEqual(v.map((x) => x.status), ['failed', 'failed']);
  assert.match(v[0]!.message!, /could not start the master sync daemon \(mcast=bond0, syncid=10\): .*ENODEV/);
  const errors = () => s.logger.lines.filter((l) => l.startsWith('error: Sync daemon')).length;
  assert.equal(errors(), 2);
  const writes = ipvs.writes;
  s.sync.tick(RETRY_MS - 1);
  await s.sync.configure(both({ interface: 'bond0' }), RETRY_MS - 1);
  assert.equal(errors(), 2, 'the same failure is not logged again');
  assert.ok(ipvs.writes > writes, 'but it is tried again');
});

test('the director: start and reload keep the daemons, show and metrics present them, stop leaves them running', async () => {
  const clock = new FakeClock();
  const check = new ScriptedCheck(clock);
  const logger = memoryLogger();
  const ipvs = new MemoryIpvs();
  const cfg = config([virtual('10.0.0.1', 80, [real('10.1.0.1')])], { syncdaemon: both() });
  const d = createDirector(cfg, { ipvs, clock, logger, runCheck: check.fn, hostname: 'lb1', random: () => 0.5, pid: 42, sendMail: async () => {}, exec: async () => 0 });
  await d.start();
  assert.deepEqual((await ipvs.listDaemons()).map((x) => x.state), ['master', 'backup']);
  await d.reload(config([virtual('10.0.0.1', 80, [real('10.1.0.1'), real('10.1.0.2')])], { syncdaemon: both() }));
  const h = d.health();
  assert.deepEqual(h.syncDaemons?.map((x) => [x.state, x.status, x.owner, x.wanted.interface]), [['master', 'running', 'ldirectord', 'eth1'], ['backup', 'running', 'ldirectord', 'eth1']]);
  const text = renderHealth(JSON.parse(JSON.stringify(h)));
  assert.match(text, /^master sync daemon \(mcast=eth1, syncid=10, maxlen=1472, group=224\.0\.0\.81, port=8848, ttl=1\): running, started by ldirectord$/m);
  const sink = new TextSink();
  sink.begin();
  d.metrics(sink, { config: 'test.cf', version: 't', reload: { lastOk: true, lastOkAt: 0, succeeded: 1, failed: 0 } });
  const scrape = sink.take().toString();
  assert.match(scrape, /^ldirectord_sync_daemon_up\{state="master"\} 1$/m);
  assert.match(scrape, /^ldirectord_sync_daemon_info\{state="backup",interface="eth1",syncid="10",status="running",owner="ldirectord"\} 1$/m);
  await d.stop();
  assert.equal((await ipvs.listDaemons()).length, 2, 'stop leaves the sync daemons running');
  assert.equal(logger.lines.filter((l) => /Started \w+ sync daemon/.test(l)).length, 2, 'started once each');
});

test('without syncdaemon= the view is empty and a scrape has no sync families', async () => {
  const clock = new FakeClock();
  const d = createDirector(config([virtual('10.0.0.1', 80, [real('10.1.0.1')])]), {
    ipvs: new MemoryIpvs(), clock, logger: memoryLogger(), runCheck: new ScriptedCheck(clock).fn, random: () => 0.5, sendMail: async () => {}, exec: async () => 0,
  });
  await d.start();
  assert.deepEqual(d.health().syncDaemons, []);
  const sink = new TextSink();
  sink.begin();
  d.metrics(sink, { config: 'test.cf', version: 't', reload: { lastOk: true, lastOkAt: 0, succeeded: 1, failed: 0 } });
  assert.doesNotMatch(sink.take().toString(), /sync_daemon/);
  assert.doesNotMatch(renderHealth(d.health()), /sync daemon/);
  await d.stop();
});
