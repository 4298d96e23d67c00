import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDirector } from '../../src/director/index.js';
import { fallbackArgv, spawnExec } from '../../src/director/exec.js';
import type { MailMessage } from '../../src/director/index.js';
import { MemoryIpvs } from '../../src/ipvs/memory.js';
import { memoryLogger } from '../../src/util/log.js';
import type { Config } from '../../src/config/model.js';
import { FakeClock, ScriptedCheck, config, real, virtual } from './helpers.js';

function setup(cfg: Config, extra: { fs?: Map<string, string[]>; reverse?: (ip: string) => Promise<string[]>; onStop?: boolean } = {}) {
  const clock = new FakeClock();
  const check = new ScriptedCheck(clock);
  const logger = memoryLogger();
  const ipvs = new MemoryIpvs();
  const execs: string[] = [];
  const mails: MailMessage[] = [];
  const files = new Map<string, string>();
  const d = createDirector(cfg, {
    ipvs, clock, logger, runCheck: check.fn, hostname: 'lb1', random: () => 0, pid: 4242,
    sendMail: async (m) => { mails.push(m); },
    // The command line as the shell sees it: the script, then the positional parameters.
    exec: async (argv) => { execs.push([argv[2]!.replace(/ "\$@"$/, ''), ...argv.slice(4)].join(' ')); return 0; },
    fs: {
      readdir: async (dir) => { const l = extra.fs?.get(dir); if (!l) throw new Error('ENOENT'); return l; },
      appendFile: async (p, data) => { files.set(p, (files.get(p) ?? '') + data); },
    },
    reverse: extra.reverse ?? (async () => { throw new Error('ENOTFOUND'); }),
    options: { ...(extra.onStop === undefined ? {} : { fallbackCommandOnStop: extra.onStop }), driftIntervalMs: 0 },
  });
  return { d, clock, check, logger, ipvs, execs, mails, files };
}

const FB = { family: 4 as const, address: '10.9.0.1', port: 80, forward: 'masq' as const, pos: { file: 'x', line: 1 } };

test('fallback: on when the last real goes down, deleted (never quiesced) when one returns; command on transitions only', async () => {
  const v = virtual('10.0.0.1', 80, [real('10.1.0.1')], { fallback: FB, fallbackcommand: '/usr/local/bin/fb', quiescent: true });
  const s = setup(config([v]));
  await s.d.start();
  await s.clock.advance(1);
  await s.d.idle();
  const key = { family: 4, protocol: 'tcp', address: '10.0.0.1', port: 80 } as const;
  const dests = async () => (await s.ipvs.listDests(key)).map((x) => `${x.address}/${x.weight}`).sort();
  assert.deepEqual(await dests(), ['10.1.0.1/1']);
  assert.deepEqual(s.execs, []);
  s.check.health.set('10.1.0.1', false);
  await s.clock.advance(10_000);
  await s.d.idle();
  assert.deepEqual(await dests(), ['10.1.0.1/0', '10.9.0.1/1']);
  assert.deepEqual(s.execs, ['/usr/local/bin/fb start 10.0.0.1:80 tcp']);
  await s.clock.advance(20_000); // still down: no repeated command
  assert.equal(s.execs.length, 1);
  s.check.health.set('10.1.0.1', true);
  await s.clock.advance(10_000);
  await s.d.idle();
  assert.deepEqual(await dests(), ['10.1.0.1/1']);
  assert.deepEqual(s.execs, ['/usr/local/bin/fb start 10.0.0.1:80 tcp', '/usr/local/bin/fb stop 10.0.0.1:80 tcp']);
  assert.ok(s.logger.lines.includes('info: Deleted fallback server: 10.9.0.1:80 (10.0.0.1:80)'));
  await s.d.stop();
});

test('fwmark virtual: fallback dest with port 0, fallbackcommand gets the mark (not ":0 fwm")', async () => {
  const v = virtual('', 0, [real('10.1.0.1', { forward: 'gate' })], { protocol: 'fwm', fwmark: 7, fallback: { ...FB, forward: 'gate', port: 0 }, fallbackcommand: 'fb' });
  const s = setup(config([v]), { onStop: true });
  s.check.health.set('10.1.0.1', false);
  await s.d.start();
  await s.clock.advance(1);
  await s.d.idle();
  const dests = await s.ipvs.listDests({ family: 4, fwmark: 7 });
  assert.deepEqual(dests.map((x) => [x.address, x.port, x.forward, x.weight]), [['10.9.0.1', 0, 'route', 1]]);
  assert.deepEqual(s.execs, ['fb start 7 fwm']);
  // Opt-in on stop: the fallback is already active, so nothing more is sent.
  await s.d.stop();
  assert.deepEqual(s.execs, ['fb start 7 fwm']);
});

test('fallbackcommand on stop (opt-in) tells the command the service is going away', async () => {
  const v = virtual('10.0.0.1', 80, [real('10.1.0.1')], { fallbackcommand: 'fb' });
  const s = setup(config([v]), { onStop: true });
  await s.d.start();
  await s.clock.advance(1);
  await s.d.stop();
  assert.deepEqual(s.execs, ['fb start 10.0.0.1:80 tcp']);
});

test('fallbackcommandonstop=yes (the directive) runs the command on stop; the default does not', async () => {
  const v = virtual('10.0.0.1', 80, [real('10.1.0.1')], { fallbackcommand: 'fb' });
  const on = setup(config([v], { fallbackcommandonstop: true }));
  await on.d.start();
  await on.clock.advance(1);
  await on.d.stop();
  assert.deepEqual(on.execs, ['fb start 10.0.0.1:80 tcp']);
  const off = setup(config([v]));
  await off.d.start();
  await off.clock.advance(1);
  await off.d.stop();
  assert.deepEqual(off.execs, []);
});

test('checktype off (bug #11): no real added, no fallback, no add-then-remove churn', async () => {
  const v = virtual('10.0.0.1', 80, [real('10.1.0.1'), real('10.1.0.2')], { checktype: { kind: 'off' }, fallback: FB, fallbackcommand: 'fb' });
  const s = setup(config([v]));
  await s.d.start();
  await s.clock.advance(30_000);
  await s.d.idle();
  assert.deepEqual(s.ipvs.log.map((o) => o.op), ['addService']);
  assert.deepEqual(s.execs, []);
  assert.deepEqual(s.d.status().virtuals[0]!.reals.map((r) => r.state), ['down', 'down']);
  await s.d.stop();
});

test('checktype on: reals added at once, without waiting for the jittered first round', async () => {
  const v = virtual('10.0.0.1', 80, [real('10.1.0.1')], { checktype: { kind: 'on' } });
  const s = setup(config([v]));
  await s.d.start();
  await s.clock.advance(0);
  await s.d.idle();
  assert.deepEqual(s.ipvs.log.map((o) => o.op), ['addService', 'addDest']);
  await s.d.stop();
});

test('quorum with hysteresis: fallback replaces live reals below quorum-h, returns above quorum+h', async () => {
  const reals = [real('10.1.0.1', { weight: 2 }), real('10.1.0.2', { weight: 2 }), real('10.1.0.3', { weight: 2 })];
  const v = virtual('10.0.0.1', 80, reals, { quorum: 4, hysteresis: 1, fallback: FB });
  const s = setup(config([v]));
  await s.d.start();
  await s.clock.advance(1);
  await s.d.idle();
  const key = { family: 4, protocol: 'tcp', address: '10.0.0.1', port: 80 } as const;
  const dests = async () => (await s.ipvs.listDests(key)).map((x) => x.address).sort();
  s.check.health.set('10.1.0.1', false);
  await s.clock.advance(10_000);
  await s.d.idle();
  assert.deepEqual(await dests(), ['10.1.0.2', '10.1.0.3'], 'weight 4 >= 4-1: quorum holds');
  s.check.health.set('10.1.0.2', false);
  await s.clock.advance(10_000);
  await s.d.idle();
  assert.deepEqual(await dests(), ['10.9.0.1'], 'weight 2 < 3: quorum lost, sorry server only');
  s.check.health.set('10.1.0.1', true);
  await s.clock.advance(10_000);
  await s.d.idle();
  assert.deepEqual(await dests(), ['10.9.0.1'], 'weight 4 < 4+1: still lost (hysteresis)');
  s.check.health.set('10.1.0.2', true);
  await s.clock.advance(10_000);
  await s.d.idle();
  assert.deepEqual(await dests(), ['10.1.0.1', '10.1.0.2', '10.1.0.3']);
  assert.equal(s.d.status().virtuals[0]!.quorum?.ok, true);
  await s.d.stop();
});

test('maintenancedir forces a real down (no soft failures), reverse DNS cached', async () => {
  const v = virtual('10.0.0.1', 80, [real('10.1.0.1')], { failurecount: 5, monitorfile: '/var/log/mon' });
  let lookups = 0;
  const dir = new Map([['/maint', [] as string[]]]);
  const s = setup(config([v], { maintenancedir: '/maint' }), { fs: dir, reverse: async () => { lookups++; return ['web1.example.com']; } });
  await s.d.start();
  await s.clock.advance(1);
  await s.d.idle();
  assert.equal(s.d.status().virtuals[0]!.reals[0]!.state, 'up');
  dir.set('/maint', ['web1:80']);
  await s.clock.advance(10_000);
  await s.d.idle();
  const r = s.d.status().virtuals[0]!.reals[0]!;
  assert.equal(r.state, 'down');
  assert.equal(r.last?.message, 'Server in maintenance');
  assert.equal(lookups, 1, 'one reverse lookup, cached');
  assert.match(s.files.get('/var/log/mon')!, /\[4242\] negotiate http tcp 10\.1\.0\.1 80 1 masq \/  \[down\] Server in maintenance\n$/);
  await s.d.stop();
});

test('email: change mails, reminders every emailalertfreq while down, cleared on restore', async () => {
  const v = virtual('10.0.0.1', 80, [real('10.1.0.1')], { emailalert: ['a@x.test, b@x.test'], emailalertfreq: 30, servicename: 'web' });
  const s = setup(config([v], { emailalertfrom: 'lb@x.test' }));
  await s.d.start();
  await s.clock.advance(1);
  await s.d.idle();
  assert.deepEqual(s.mails.map((m) => m.subject), ['[web] Added real server: 10.1.0.1:80 (10.0.0.1:80) (Weight set to 1)']);
  assert.deepEqual(s.mails[0]!.to, ['a@x.test', 'b@x.test']);
  assert.equal(s.mails[0]!.from, 'lb@x.test');
  assert.match(s.mails[0]!.text, /^ldirectord host: lb1\nLog-Message: \[web\] Added real server.*\nDaemon-Status: starting\n\nService name: web\n/);
  s.check.health.set('10.1.0.1', false);
  await s.clock.advance(10_000);
  await s.d.idle();
  assert.equal(s.mails.at(-1)!.subject, '[web] Deleted real server: 10.1.0.1:80 (10.0.0.1:80)');
  await s.clock.advance(61_000);
  const reminders = s.mails.filter((m) => m.subject.includes('Inaccessible real server: 10.1.0.1:80 (10.0.0.1:80)'));
  assert.equal(reminders.length, 2);
  s.check.health.set('10.1.0.1', true);
  await s.clock.advance(10_000);
  await s.d.idle();
  const n = s.mails.length;
  await s.clock.advance(120_000);
  assert.equal(s.mails.length, n, 'no reminders after restore');
  await s.d.stop();
});

test('results of one tick count as one change: a real going down as another comes up does not flap the fallback', async () => {
  const v = virtual('10.0.0.1', 80, [real('10.1.0.1'), real('10.1.0.2')], { fallback: FB, fallbackcommand: 'fb' });
  const s = setup(config([v]));
  s.check.health.set('10.1.0.2', false);
  await s.d.start();
  await s.clock.advance(1);
  await s.d.idle();
  s.ipvs.resetLog();
  s.check.health.set('10.1.0.1', false);
  s.check.health.set('10.1.0.2', true);
  await s.clock.advance(10_000);
  await s.d.idle();
  assert.deepEqual(s.ipvs.log.map((o) => o.op).sort(), ['addDest', 'delDest']);
  assert.deepEqual(s.execs, []);
  await s.d.stop();
});

test('email reminders survive a reload for a real still down; a real dropped from the config stops being reminded', async () => {
  const mk = (reals: ReturnType<typeof real>[]) => virtual('10.0.0.1', 80, reals, { emailalert: ['a@x.test'], emailalertfreq: 30 });
  const s = setup(config([mk([real('10.1.0.1'), real('10.1.0.2')])]));
  await s.d.start();
  await s.clock.advance(1);
  await s.d.idle();
  s.check.health.set('10.1.0.1', false);
  s.check.health.set('10.1.0.2', false);
  await s.clock.advance(10_000);
  await s.d.idle();
  const count = (rip: string) => s.mails.filter((m) => m.subject === `Inaccessible real server: ${rip}:80 (10.0.0.1:80)`).length;
  for (const tc of [
    { desc: 'same config, re-parsed (new objects)', reals: [real('10.1.0.1'), real('10.1.0.2')], r1: true, r2: true },
    { desc: '10.1.0.2 removed from the virtual', reals: [real('10.1.0.1')], r1: true, r2: false },
  ]) {
    await s.d.reload(config([mk(tc.reals)]));
    await s.d.idle();
    const before = [count('10.1.0.1'), count('10.1.0.2')];
    await s.clock.advance(61_000);
    assert.equal(count('10.1.0.1') > before[0]!, tc.r1, `${tc.desc}: reminders for 10.1.0.1`);
    assert.equal(count('10.1.0.2') > before[1]!, tc.r2, `${tc.desc}: reminders for 10.1.0.2`);
  }
  await s.d.stop();
});

test('stop waits for the alert mails it sent (Purged ... (stop)) before it resolves: the daemon exits right after', async () => {
  const v = virtual('10.0.0.1', 80, [real('10.1.0.1')], { emailalert: ['a@x.test'] });
  const clock = new FakeClock();
  const check = new ScriptedCheck(clock);
  const pending: (() => void)[] = [];
  const delivered: string[] = [];
  const d = createDirector(config([v]), {
    ipvs: new MemoryIpvs(), clock, logger: memoryLogger(), runCheck: check.fn, hostname: 'lb1', random: () => 0, pid: 1,
    sendMail: (m) => new Promise<void>((resolve) => { pending.push(() => { delivered.push(m.subject); resolve(); }); }),
    options: { driftIntervalMs: 0 },
  });
  await d.start();
  await clock.advance(1);
  await d.idle();
  for (const p of pending.splice(0)) p();
  let stopped = false;
  const stopping = d.stop().then(() => { stopped = true; });
  await clock.advance(100);
  assert.equal(pending.length, 1, 'the Purged (stop) mail is being sent');
  assert.equal(stopped, false, 'stop must not resolve while its mail is in flight');
  pending.shift()!();
  await stopping;
  assert.ok(delivered.includes('Purged real server (stop): 10.1.0.1:80 (10.0.0.1:80)'), delivered.join('\n'));
});

test('stop gives up on a mail that never completes after a bound (stop never hangs)', async () => {
  const v = virtual('10.0.0.1', 80, [real('10.1.0.1')], { emailalert: ['a@x.test'] });
  const clock = new FakeClock();
  const logger = memoryLogger();
  const d = createDirector(config([v]), {
    ipvs: new MemoryIpvs(), clock, logger, runCheck: new ScriptedCheck(clock).fn, hostname: 'lb1', random: () => 0, pid: 1,
    sendMail: () => new Promise<void>(() => {}), options: { driftIntervalMs: 0 },
  });
  await d.start();
  await clock.advance(1);
  await d.idle();
  let stopped = false;
  const stopping = d.stop().then(() => { stopped = true; });
  await clock.advance(60_000);
  await stopping;
  assert.equal(stopped, true);
  assert.ok(logger.lines.some((l) => /^warn: .*mail/.test(l)), logger.lines.join('\n'));
});

test('monitorfile that cannot be written (missing directory): one error line, not one per check; recovery is logged', async () => {
  const v = virtual('10.0.0.1', 80, [real('10.1.0.1')], { monitorfile: '/nonexistent/mon' });
  const clock = new FakeClock();
  const logger = memoryLogger();
  let broken = true;
  const d = createDirector(config([v]), {
    ipvs: new MemoryIpvs(), clock, logger, runCheck: new ScriptedCheck(clock).fn, hostname: 'lb1', random: () => 0, pid: 1,
    fs: {
      readdir: async () => [],
      appendFile: async () => { if (broken) throw Object.assign(new Error("ENOENT: no such file or directory, open '/nonexistent/mon'"), { code: 'ENOENT' }); },
    },
    options: { driftIntervalMs: 0 },
  });
  await d.start();
  await clock.advance(50_001); // 6 checks
  await d.idle();
  const errors = () => logger.lines.filter((l) => l.startsWith('error: ') && l.includes('/nonexistent/mon'));
  assert.equal(errors().length, 1, logger.lines.join('\n'));
  broken = false;
  await clock.advance(10_000);
  assert.ok(logger.lines.some((l) => l.startsWith('info: ') && l.includes('/nonexistent/mon')), logger.lines.join('\n'));
  broken = true;
  await clock.advance(10_000);
  assert.equal(errors().length, 2, 'a new failure after a recovery is logged again');
  await d.stop();
});

test('monitorfile: a symlink planted in its place (to a file, or dangling) is refused, nothing written through it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ld-mon-'));
  try {
    const victim = join(dir, 'victim');
    writeFileSync(victim, 'precious\n');
    symlinkSync(victim, join(dir, 'mon-to-file'));
    symlinkSync(join(dir, 'created-through-link'), join(dir, 'mon-dangling'));
    const vs = ['mon-to-file', 'mon-dangling'].map((f, i) =>
      virtual(`10.0.0.${i + 1}`, 80, [real('10.1.0.1')], { monitorfile: join(dir, f) }));
    const clock = new FakeClock();
    const logger = memoryLogger();
    // No fs seam: the director's own file access is what is under test.
    const d = createDirector(config(vs), {
      ipvs: new MemoryIpvs(), clock, logger, runCheck: new ScriptedCheck(clock).fn, hostname: 'lb1', random: () => 0, pid: 1,
      options: { driftIntervalMs: 0 },
    });
    await d.start();
    await clock.advance(20_001);
    await d.idle();
    for (let i = 0; i < 20 && logger.lines.filter((l) => /symbolic link/.test(l)).length < 2; i++) await new Promise((r) => setTimeout(r, 50));
    await d.stop();
    assert.equal(readFileSync(victim, 'utf8'), 'precious\n');
    assert.equal(existsSync(join(dir, 'created-through-link')), false);
    for (const f of ['mon-to-file', 'mon-dangling']) {
      assert.equal(logger.lines.filter((l) => l.startsWith('error: ') && l.includes(f) && /symbolic link, refused/.test(l)).length, 1, logger.lines.join('\n'));
    }
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

test('fallbackcommand: the admin\'s text runs in /bin/sh, our arguments arrive as separate, unexpanded words', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ld-fbcmd-'));
  try {
    const out = join(dir, 'out');
    // The admin's text may use the shell (a redirection here); a target with glob and ; stays one word.
    const planted = `a;touch ${join(dir, 'x')} *`;
    const code = await spawnExec(fallbackArgv(`printf '%s|' >${out}`, ['start', '[2001:db8::1]:80', planted]));
    assert.equal(code, 0);
    assert.equal(readFileSync(out, 'utf8'), `start|[2001:db8::1]:80|${planted}|`);
    assert.equal(existsSync(join(dir, 'x')), false);
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

test('a fallbackcommand that never returns blocks neither the checks, nor a reload, nor stop', async () => {
  const v = virtual('10.0.0.1', 80, [real('10.1.0.1')], { fallback: FB, fallbackcommand: '/usr/local/bin/hangs', quiescent: true });
  const clock = new FakeClock();
  const check = new ScriptedCheck(clock);
  const ipvs = new MemoryIpvs();
  const started: string[] = [];
  const d = createDirector(config([v]), {
    ipvs, clock, logger: memoryLogger(), runCheck: check.fn, hostname: 'lb1', random: () => 0, pid: 1,
    sendMail: async () => {}, exec: (argv) => { started.push([argv[2]!.replace(/ "\$@"$/, ''), ...argv.slice(4)].join(' ')); return new Promise<number>(() => {}); },
    options: { fallbackCommandOnStop: true, driftIntervalMs: 0 },
  });
  await d.start();
  await clock.advance(1);
  check.health.set('10.1.0.1', false);
  await clock.advance(10_000);
  await d.idle();
  assert.deepEqual(started, ['/usr/local/bin/hangs start 10.0.0.1:80 tcp']);
  check.health.set('10.1.0.1', true);
  await clock.advance(10_000);
  await d.idle();
  const key = { family: 4, protocol: 'tcp', address: '10.0.0.1', port: 80 } as const;
  assert.deepEqual((await ipvs.listDests(key)).map((x) => `${x.address}/${x.weight}`), ['10.1.0.1/1'], 'checks and writes go on');
  assert.equal(started.length, 2);
  await d.reload(config([virtual('10.0.0.1', 80, [real('10.1.0.1', { weight: 3 })], { fallback: FB, fallbackcommand: '/usr/local/bin/hangs', quiescent: true })]));
  assert.deepEqual((await ipvs.listDests(key)).map((x) => `${x.address}/${x.weight}`), ['10.1.0.1/3'], 'the reload completed');
  await d.stop();
  assert.deepEqual(await ipvs.listServices(), [], 'stop completed (cleanstop) although both commands still run');
  assert.equal(started.length, 3, 'fallbackcommandonstop ran too');
});
