import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ctime, syslogTime } from '../../src/util/ctime.js';
import { debugLogger, supervisedLogger } from '../../src/daemon/log-console.js';
import { openFileLogger } from '../../src/daemon/log-file.js';
import { FACILITIES, openSyslogLogger, SEVERITY, syslogLine } from '../../src/daemon/log-syslog.js';
import { isLdError } from '../../src/util/errors.js';
import { manualClock } from './helpers.js';

const times = [
  { desc: 'single-digit day is space padded', at: new Date(2026, 10, 5, 2, 3, 13), ctime: 'Thu Nov  5 02:03:13 2026', syslog: 'Nov  5 02:03:13' },
  { desc: 'two-digit day', at: new Date(2026, 10, 25, 2, 3, 13), ctime: 'Wed Nov 25 02:03:13 2026', syslog: 'Nov 25 02:03:13' },
  { desc: 'midnight on new year', at: new Date(2027, 0, 1, 0, 0, 0), ctime: 'Fri Jan  1 00:00:00 2027', syslog: 'Jan  1 00:00:00' },
];
for (const t of times) {
  test(`ctime/syslogTime: ${t.desc}`, () => {
    assert.equal(ctime(t.at.getTime()), t.ctime);
    assert.equal(syslogTime(t.at.getTime()), t.syslog);
  });
}

test('file logger: `[<ctime>|<CFGNAME>|<pid>] msg`, appended, debug dropped', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ld-log-'));
  try {
    const path = join(dir, 'ld.log');
    const clock = manualClock();
    const log = openFileLogger({ path, name: 'www', pid: 99, clock, fallback: () => assert.fail('no fallback') });
    log.info('one');
    log.error('two');
    log.debug('three');
    assert.equal(readFileSync(path, 'utf8'), `[${ctime(clock.now())}|www|99] one\n[${ctime(clock.now())}|www|99] two\n`);
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

test('file logger, batched (the daemon): a turn\'s lines land together after the turn, in order; close() writes them at once', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ld-log-'));
  try {
    const path = join(dir, 'batch.log');
    const queued: (() => void)[] = [];
    const clock = { ...manualClock(), afterIo: (fn: () => void) => { queued.push(fn); } };
    const log = openFileLogger({ path, name: 'www', pid: 7, clock, batch: true, fallback: () => assert.fail('no fallback') });
    log.info('one');
    log.warn('two');
    assert.equal(readFileSync(path, 'utf8'), '', 'nothing written during the turn');
    assert.equal(queued.length, 1, 'one write after the turn for all its lines');
    queued.shift()!();
    const at = ctime(clock.now());
    assert.equal(readFileSync(path, 'utf8'), `[${at}|www|7] one\n[${at}|www|7] two\n`);
    log.error('three');
    log.close();
    assert.equal(readFileSync(path, 'utf8'), `[${at}|www|7] one\n[${at}|www|7] two\n[${at}|www|7] three\n`);
    queued.shift()!(); // the flush the turn had queued finds nothing left to write
    assert.equal(readFileSync(path, 'utf8').split('\n').length, 4);
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

test('file logger: unopenable file is LD_ERR_LOGFILE; a later write failure falls back to stderr', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ld-log-'));
  try {
    assert.throws(() => openFileLogger({ path: join(dir, 'no', 'x.log'), name: 'w', pid: 1, clock: manualClock(), fallback: () => {} }),
      (e) => isLdError(e, 'LD_ERR_LOGFILE') && /Can not open logfile .*ENOENT/.test(e.message));
    const fell: string[] = [];
    const path = join(dir, 'sub.log');
    const log = openFileLogger({ path, name: 'w', pid: 1, clock: manualClock(), fallback: (l) => fell.push(l) });
    rmSync(dir, { recursive: true, force: true });
    log.info('lost?');
    assert.deepEqual(fell, ['lost?\n']);
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

test('file logger: a symlink (to a file, or dangling) is refused at open and at every write; nothing written through it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ld-log-'));
  try {
    const victim = join(dir, 'victim');
    writeFileSync(victim, 'precious\n');
    const opts = (path: string) => ({ path, name: 'w', pid: 1, clock: manualClock(), fallback: () => {} });
    symlinkSync(victim, join(dir, 'to-file.log'));
    symlinkSync(join(dir, 'created'), join(dir, 'dangling.log'));
    for (const f of ['to-file.log', 'dangling.log']) {
      assert.throws(() => openFileLogger(opts(join(dir, f))),
        (e) => isLdError(e, 'LD_ERR_LOGFILE') && /Can not open logfile .*symbolic link, refused/.test(e.message), f);
    }
    // Planted after start (between two writes): the line goes to the fallback instead.
    const path = join(dir, 'later.log');
    const fell: string[] = [];
    const log = openFileLogger({ ...opts(path), fallback: (l) => fell.push(l) });
    log.info('before');
    rmSync(path);
    symlinkSync(victim, path);
    log.info('after');
    assert.deepEqual(fell, ['after\n']);
    assert.equal(readFileSync(victim, 'utf8'), 'precious\n');
    assert.equal(existsSync(join(dir, 'created')), false);
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

test('debug logger: raw lines and DEBUGn lines up to level 3 on stderr', () => {
  const err: string[] = [];
  const log = debugLogger((s) => err.push(s));
  log.info('hello');
  log.debug('d2', 2);
  log.debug('d4', 4);
  log.debug('d1');
  assert.deepEqual(err, ['hello\n', 'DEBUG2: d2\n', 'DEBUG1: d1\n']);
});

test('supervised logger: `[<ctime>] msg` on stdout', () => {
  const out: string[] = [];
  const clock = manualClock();
  supervisedLogger((s) => out.push(s), clock).warn('careful');
  assert.deepEqual(out, [`[${ctime(clock.now())}] careful\n`]);
});

const pri = [
  { facility: 'local0', sev: SEVERITY.info, want: 134 },
  { facility: 'daemon', sev: SEVERITY.error, want: 27 },
  { facility: 'local7', sev: SEVERITY.warn, want: 188 },
  { facility: 'kern', sev: SEVERITY.debug, want: 7 },
];
for (const p of pri) {
  test(`syslogLine PRI: ${p.facility} severity ${p.sev} -> <${p.want}>`, () => {
    const at = new Date(2026, 10, 5, 2, 3, 13).getTime();
    assert.equal(syslogLine(FACILITIES[p.facility] ?? -1, p.sev, at, 321, 'msg'), `<${p.want}>Nov  5 02:03:13 ldirectord[321]: msg`);
  });
}

test('openSyslogLogger rejects an unknown facility and a missing socket', async () => {
  const base = { socketPath: '/nonexistent/log.sock', pid: 1, clock: manualClock(), fallback: () => {} };
  await assert.rejects(openSyslogLogger({ ...base, facility: 'local9' }), (e) => isLdError(e, 'LD_ERR_LOGFILE') && /not a syslog facility/.test(e.message));
  await assert.rejects(openSyslogLogger({ ...base, facility: 'local0' }), (e) => isLdError(e, 'LD_ERR_LOGFILE') && /ENOENT/.test(e.message));
});
