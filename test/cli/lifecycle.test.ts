// The daemon's life through the built command: detaching, the OCF agent's pgrep, reload with a
// broken config (bug #8 fixed), commands run against a broken config (bug #7 fixed), a stuck
// daemon, a symlinked pid file, and execute= instances.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { alive, BASIC, BIN, Sandbox, waitFor } from './helpers.js';

async function startWww(sb: Sandbox, body = BASIC): Promise<number> {
  sb.writeConfig('www', body);
  const r = await sb.ldirectord(['www', 'start']);
  assert.equal(r.code, 0, r.stderr);
  const pid = sb.readPid('www');
  assert.ok(pid && alive(pid));
  sb.extraPids.add(pid);
  return pid;
}

test('start detaches: own session, cwd /, and `pgrep -f "<bin> <config> start"` finds it', { timeout: 60_000 }, async () => {
  const sb = new Sandbox();
  // A name no concurrently running test uses, so pgrep can only find this daemon.
  const name = `ocf${process.pid}`;
  try {
    sb.writeConfig(name, BASIC);
    const r = await sb.ldirectord([name, 'start']);
    assert.equal(r.code, 0, r.stderr);
    const pid = sb.readPid(name)!;
    assert.ok(pid && alive(pid));
    sb.extraPids.add(pid);
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'latin1').split('\0').filter(Boolean);
    assert.deepEqual(cmdline.slice(-3), [BIN, name, 'start']);
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    assert.equal(Number(fields[3]), pid, 'session leader (setsid)');
    assert.equal(readlinkSync(`/proc/${pid}/cwd`), '/');
    const pg = spawnSync('pgrep', ['-f', `${BIN} ${name} start`]);
    assert.deepEqual(pg.stdout.toString().trim().split('\n').map(Number), [pid]);
  } finally { sb.cleanup(); }
});

test('stop waits until the daemon has exited and removed its pid file', { timeout: 60_000 }, async () => {
  const sb = new Sandbox();
  try {
    const pid = await startWww(sb);
    const r = await sb.ldirectord(['www', 'stop']);
    assert.equal(r.code, 0, r.stderr);
    // No polling here: stop returned, so the daemon must already be gone.
    assert.ok(!alive(pid), 'daemon gone when stop returns');
    assert.ok(!existsSync(sb.pidFile('www')), 'pid file removed');
    assert.match(sb.readLog(), /Linux Director Daemon terminated on signal: TERM/);
  } finally { sb.cleanup(); }
});

test('HUP with a broken config keeps the daemon and its config; the diagnostics are logged', { timeout: 60_000 }, async () => {
  const sb = new Sandbox();
  try {
    const pid = await startWww(sb);
    const file = sb.writeConfig('www', `${BASIC}bogusdirective=1\n`);
    process.kill(pid, 'SIGHUP');
    assert.ok(await waitFor(() => /keeping the running configuration/.test(sb.readLog())), sb.readLog());
    assert.match(sb.readLog(), new RegExp(`\\|www\\|${pid}\\] ${file.replace(/[.]/g, '\\.')}:7: error: `));
    assert.ok(alive(pid));
    const st = await sb.ldirectord(['www', 'status']);
    assert.equal(st.code, 0, 'status still running');
    // A fixed file is then picked up by the next reload.
    sb.writeConfig('www', BASIC.replace('127.0.0.2', '127.0.0.3'));
    const rl = await sb.ldirectord(['www', 'reload']);
    assert.equal(rl.code, 0);
    assert.ok(await waitFor(() => /idle engine reloaded/.test(sb.readLog())), sb.readLog());
  } finally { sb.cleanup(); }
});

test('a broken config: status still reports from the pid file (0/1/3) and never deletes it', { timeout: 60_000 }, async () => {
  const sb = new Sandbox();
  try {
    const pid = await startWww(sb);
    sb.writeConfig('www', `${BASIC}bogusdirective=1\n`);
    const st = await sb.ldirectord(['www', 'status']);
    assert.equal(st.code, 0, st.stderr);
    assert.match(st.stderr, /www:7: error:/);
    assert.match(st.stderr, /is running with pid: \d+/);
    assert.equal(sb.readPid('www'), pid, 'pid file kept (bug #7)');
    for (const action of ['reload', 'restart', 'start']) {
      const r = await sb.ldirectord(['www', action]);
      assert.equal(r.code, 2, action);
      assert.equal(sb.readPid('www'), pid, `pid file kept after ${action}`);
      assert.ok(alive(pid));
    }
    const stop = await sb.ldirectord(['www', 'stop']);
    assert.equal(stop.code, 0, stop.stderr);
    assert.ok(!alive(pid), 'stop works with a broken config');
    const after = await sb.ldirectord(['www', 'status']);
    assert.equal(after.code, 3);
  } finally { sb.cleanup(); }
});

test('a daemon that ignores TERM: stop gives up after the bound with a clear message, exit 1', { timeout: 60_000 }, async () => {
  const sb = new Sandbox();
  // A stand-in whose command line mentions ldirectord (so it counts as running) and ignores TERM.
  // It says "ready" once its handler is installed: a TERM sent while Node still boots would kill it
  // (the default action), and the stop would then rightly succeed.
  const stuck = spawn(process.execPath, ['-e', 'process.on("SIGTERM",()=>{});process.stdout.write("ready\\n");setInterval(()=>{},1000)', 'fake-ldirectord'], { stdio: ['ignore', 'pipe', 'ignore'] });
  let said = '';
  stuck.stdout!.on('data', (d: Buffer) => { said += d.toString(); });
  try {
    sb.writeConfig('www', BASIC);
    assert.ok(await waitFor(() => said.includes('ready'), 30_000), 'the stand-in installed its TERM handler');
    assert.ok(readFileSync(`/proc/${stuck.pid}/cmdline`, 'latin1').includes('ldirectord'));
    writeFileSync(sb.pidFile('www'), `${stuck.pid}\n`);
    const r = await sb.ldirectord(['--stop-timeout', '1', 'www', 'stop']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, new RegExp(`\\(pid ${stuck.pid}\\) did not exit within 1 seconds of SIGTERM`));
    assert.ok(alive(stuck.pid!), 'stop does not escalate to SIGKILL');
    assert.match(sb.readLog(), /Exiting with exit_status 1: /);
  } finally {
    stuck.kill('SIGKILL');
    sb.cleanup();
  }
});

test('a symlinked pid file is refused: not followed, not overwritten, start exits 1', { timeout: 60_000 }, async () => {
  const sb = new Sandbox();
  try {
    sb.writeConfig('www', BASIC);
    const victim = join(sb.dir, 'victim');
    writeFileSync(victim, 'precious\n');
    symlinkSync(victim, sb.pidFile('www'));
    const st = await sb.ldirectord(['www', 'status']);
    assert.equal(st.code, 1);
    assert.match(st.stderr, /symbolic link/);
    const r = await sb.ldirectord(['www', 'start']);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /Refusing to use pid file .*symbolic link/);
    assert.equal(readFileSync(victim, 'utf8'), 'precious\n');
  } finally { sb.cleanup(); }
});

test('execute=: start, status, reload and stop reach the other instance', { timeout: 60_000 }, async () => {
  const sb = new Sandbox();
  try {
    sb.writeConfig('other', BASIC.replace('127.0.0.1:80', '127.0.0.1:81'));
    const pid = await startWww(sb, `execute="other"\n${BASIC}`);
    const other = sb.readPid('other');
    assert.ok(other && alive(other), `execute= instance started before start returned:\n${sb.readLog()}`);
    sb.extraPids.add(other);
    const st = await sb.ldirectord(['www', 'status']);
    assert.equal(st.code, 0);
    assert.match(st.stderr, /ldirectord for \S+www is running/);
    assert.match(st.stderr, /ldirectord for \S+other is running/);
    // Dropping it from the config on reload stops it.
    sb.writeConfig('www', BASIC);
    process.kill(pid, 'SIGHUP');
    assert.ok(await waitFor(() => !alive(other), 15_000), 'removed instance stopped on reload');
    sb.writeConfig('www', `execute="other"\n${BASIC}`);
    process.kill(pid, 'SIGHUP');
    assert.ok(await waitFor(() => sb.readPid('other') !== undefined && alive(sb.readPid('other')!), 15_000), `added instance started on reload:\n${sb.readLog()}`);
    const other2 = sb.readPid('other')!;
    sb.extraPids.add(other2);
    const stop = await sb.ldirectord(['www', 'stop']);
    assert.equal(stop.code, 0);
    assert.ok(!alive(other2), 'instance stopped with its parent');
  } finally { sb.cleanup(); }
});
