// The command's one-shot behaviours: version, help, usage errors, missing and broken configs,
// configtest, and the config argument rules of reference §1.1.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BASIC, Sandbox } from './helpers.js';

test('-v prints the original banner plus ours, exit 0', { timeout: 60_000 }, async () => {
  const sb = new Sandbox();
  try {
    const r = await sb.ldirectord(['-v']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^Linux Director v1\.186-ha \(ldirectord for Node\.js \d+\.\d+\.\d+\)\n/);
    assert.match(r.stdout, /ABSOLUTELY NO WARRANTY/);
  } finally { sb.cleanup(); }
});

test('-h and -? print the help on stdout, exit 0', { timeout: 60_000 }, async () => {
  const sb = new Sandbox();
  try {
    for (const flag of ['-h', '-?', '--help']) {
      const r = await sb.ldirectord([flag]);
      assert.equal(r.code, 0, flag);
      assert.match(r.stdout, /Linux Director Daemon/);
      assert.match(r.stdout, /configtest/);
    }
  } finally { sb.cleanup(); }
});

const usageCases = [
  { desc: 'no arguments', argv: [] },
  { desc: 'unknown action', argv: ['www', 'bogus'] },
  { desc: 'unknown option', argv: ['--bogus', 'start'] },
  { desc: 'option after the arguments (require_order)', argv: ['www', 'start', '-d'] },
];
for (const c of usageCases) {
  test(`bad usage (${c.desc}): usage on stderr, exit 255`, { timeout: 60_000 }, async () => {
    const sb = new Sandbox();
    try {
      const r = await sb.ldirectord(c.argv);
      assert.equal(r.code, 255);
      assert.match(r.stderr, /Usage:\n\s+ldirectord \[-d\|--debug\]/);
      assert.equal(r.stdout, '');
    } finally { sb.cleanup(); }
  });
}

test('missing config: "Config file X not found", exit 1', { timeout: 60_000 }, async () => {
  const sb = new Sandbox();
  try {
    const r = await sb.ldirectord(['nosuch.cf', 'start']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^Config file nosuch\.cf not found$/m);
  } finally { sb.cleanup(); }
});

test('configtest on a valid config prints the summary, exit 0, starts nothing', { timeout: 60_000 }, async () => {
  const sb = new Sandbox();
  try {
    sb.writeConfig('www', BASIC);
    const r = await sb.ldirectord(['www', 'configtest']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /virtual tcp:127\.0\.0\.1:80/);
    assert.match(r.stdout, /real 127\.0\.0\.2:80 gate/);
    assert.equal(sb.readPid('www'), undefined);
  } finally { sb.cleanup(); }
});

test('configtest prints the whole summary of 196,608 reals through a pipe, exit 0', { timeout: 120_000 }, async () => {
  // Two bugs met here: push(...reals) overflowed the stack, and an exit before the pipe drained
  // cut the summary short.
  const sb = new Sandbox();
  try {
    const ranges = [0, 1, 2].map((b) => `\treal=10.${b}.0.0->10.${b}.255.255:80 gate\n`).join('');
    sb.writeConfig('big', `virtual=127.0.0.1:80\n${ranges}`);
    const r = await sb.ldirectord(['big', 'configtest'], { timeoutMs: 100_000 });
    assert.equal(r.code, 0, r.stderr);
    const reals = r.stdout.split('\n').filter((l) => l.startsWith('    real '));
    assert.equal(reals.length, 3 * 65536);
    assert.equal(reals.at(-1), '    real 10.2.255.255:80 gate weight 1');
  } finally { sb.cleanup(); }
});

test('configtest on a broken config prints every diagnostic with file:line, exit 2', { timeout: 60_000 }, async () => {
  const sb = new Sandbox();
  try {
    const file = sb.writeConfig('bad', `${BASIC}checkinterval=soon\nbogusdirective=1\n`);
    const r = await sb.ldirectord(['bad', 'configtest']);
    assert.equal(r.code, 2);
    const lines = r.stderr.split('\n').filter((l) => l.startsWith(`${file}:`));
    assert.ok(lines.length >= 2, r.stderr);
    assert.ok(lines.some((l) => l.startsWith(`${file}:7: error:`)), r.stderr);
    assert.ok(lines.some((l) => l.startsWith(`${file}:8: error:`)), r.stderr);
  } finally { sb.cleanup(); }
});

test('a broken config makes start/reload exit 2 and start nothing', { timeout: 60_000 }, async () => {
  const sb = new Sandbox();
  try {
    sb.writeConfig('bad', `${BASIC}bogusdirective=1\n`);
    for (const action of ['start', 'restart', 'reload']) {
      const r = await sb.ldirectord(['bad', action]);
      assert.equal(r.code, 2, action);
      assert.match(r.stderr, /bad:\d+: error:/);
    }
    assert.equal(sb.readPid('bad'), undefined);
  } finally { sb.cleanup(); }
});

test('one argument: config ldirectord.cf, CFGNAME ldirectord (pid file ldirectord.ldirectord.pid)', { timeout: 60_000 }, async () => {
  const sb = new Sandbox();
  try {
    sb.writeConfig('ldirectord.cf', BASIC);
    const r = await sb.ldirectord(['status']);
    assert.equal(r.code, 3);
    assert.equal(r.stdout, `ldirectord is stopped for ${join(sb.conf, 'ldirectord.cf')}\n`);
    writeFileSync(sb.pidFile('ldirectord'), '999999999\n');
    const stale = await sb.ldirectord(['status']);
    assert.equal(stale.code, 1);
    assert.match(stale.stderr, /stale pid file .*ldirectord\.ldirectord\.pid/);
  } finally { sb.cleanup(); }
});

test('two arguments: CFGNAME is the basename of the first; a path in the cwd is found', { timeout: 60_000 }, async () => {
  const sb = new Sandbox();
  try {
    writeFileSync(join(sb.dir, 'local.cf'), `logfile="${sb.log}"\n${BASIC}`);
    const r = await sb.ldirectord(['./local.cf', 'status'], { cwd: sb.dir });
    assert.equal(r.code, 3);
    writeFileSync(sb.pidFile('local.cf'), '999999999\n');
    const stale = await sb.ldirectord([join(sb.dir, 'local.cf'), 'status']);
    assert.equal(stale.code, 1, stale.stderr);
    assert.match(stale.stderr, /ldirectord\.local\.cf\.pid/);
  } finally { sb.cleanup(); }
});

test('every invocation logs "Invoking ldirectord invoked as:"; non-zero exits log the exit status', { timeout: 60_000 }, async () => {
  const sb = new Sandbox();
  try {
    sb.writeConfig('www', BASIC);
    await sb.ldirectord(['www', 'status']);
    const lines = sb.readLog().trim().split('\n');
    const line = /^\[(\w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4})\|www\|(\d+)\] (.*)$/;
    assert.ok(lines.length >= 2, sb.readLog());
    for (const l of lines) assert.match(l, line);
    assert.match(lines[0] ?? '', /\] Invoking ldirectord invoked as: \S*ldirectord www status$/);
    assert.match(lines.at(-1) ?? '', /\] Exiting with exit_status 3: Exiting from ldirectord status$/);
  } finally { sb.cleanup(); }
});

test('a logfile that cannot be opened: start exits 1 with the reason', { timeout: 60_000 }, async () => {
  const sb = new Sandbox();
  try {
    sb.writeConfig('www', BASIC, { logfile: join(sb.dir, 'no', 'such', 'dir.log') });
    const r = await sb.ldirectord(['www', 'start']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /Can not open logfile .*dir\.log: ENOENT/);
    assert.equal(sb.readPid('www'), undefined);
  } finally { sb.cleanup(); }
});

test('--confdir/--piddir on the command line win over the environment, in the CLI and in the daemon', { timeout: 60_000 }, async () => {
  const sb = new Sandbox();
  try {
    sb.writeConfig('www', BASIC);
    const env = { LDIRECTORD_CONFDIR: join(sb.dir, 'elsewhere'), LDIRECTORD_PIDDIR: join(sb.dir, 'elsewhere') };
    const opts = ['--confdir', `/nonexistent:${sb.conf}`, '--piddir', sb.run];
    const start = await sb.ldirectord([...opts, 'www', 'start'], { env });
    assert.equal(start.code, 0, start.stderr);
    const pid = sb.readPid('www');
    assert.ok(pid, 'pid file in --piddir');
    sb.extraPids.add(pid);
    const st = await sb.ldirectord([...opts, 'www', 'status'], { env });
    assert.equal(st.code, 0, st.stderr);
    const stop = await sb.ldirectord([...opts, 'www', 'stop'], { env });
    assert.equal(stop.code, 0, stop.stderr);
    assert.equal(sb.readPid('www'), undefined);
  } finally { sb.cleanup(); }
});
