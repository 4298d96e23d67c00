// The foreground modes: supervised=yes (stdout `[<ctime>] msg`, no pid file) and -d (stderr,
// raw messages), both stopped by a signal; and logfile=<facility> going to a syslog socket.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import unixDgram from 'unix-dgram';
import { BASIC, Sandbox, waitFor } from './helpers.js';

const CTIME = String.raw`\w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4}`;

function exited(child: { exitCode: number | null; signalCode: string | null; once: (e: 'exit', f: () => void) => void }): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
}

test('supervised=yes: runs in the foreground, logs `[<ctime>] msg` to stdout, writes no pid file', { timeout: 60_000 }, async () => {
  const sb = new Sandbox();
  try {
    sb.writeConfig('www', `supervised=yes\n${BASIC}`);
    const child = sb.spawnForeground(['www', 'start']);
    assert.ok(await waitFor(() => /idle engine for/.test(child.out())), child.out() + child.err());
    assert.match(child.out(), new RegExp(`^\\[${CTIME}\\] Invoking ldirectord invoked as: \\S+ldirectord www start$`, 'm'));
    assert.match(child.out(), new RegExp(`^\\[${CTIME}\\] Starting Linux Director v1\\.186-ha with pid: ${child.pid}$`, 'm'));
    assert.ok(!existsSync(sb.pidFile('www')), 'no pid file (as the original)');
    // As in the original, status cannot see a supervised daemon: it has no pid file.
    const st = await sb.ldirectord(['www', 'status']);
    assert.equal(st.code, 3);
    child.kill('SIGTERM');
    await exited(child);
    assert.equal(child.exitCode, 0);
    assert.match(child.out(), new RegExp(`^\\[${CTIME}\\] Linux Director Daemon terminated on signal: TERM$`, 'm'));
  } finally { sb.cleanup(); }
});

test('-d: foreground, raw log lines on stderr, INT stops it; a second signal while stopping is harmless', { timeout: 60_000 }, async () => {
  const sb = new Sandbox();
  try {
    sb.writeConfig('www', BASIC);
    const child = sb.spawnForeground(['-d', 'www', 'start']);
    assert.ok(await waitFor(() => /idle engine for/.test(child.err())), child.err());
    assert.match(child.err(), /^Starting Linux Director v1\.186-ha with pid: \d+$/m);
    assert.equal(sb.readLog(), '', '-d never writes the logfile');
    assert.ok(!existsSync(sb.pidFile('www')));
    child.kill('SIGINT');
    child.kill('SIGTERM');
    await exited(child);
    assert.equal(child.exitCode, 0, child.err());
    // Two different signals sent back to back may be handled in either order: whichever comes
    // first stops the daemon, the other must be ignored (one termination line, no error).
    const lines = child.err().match(/^Linux Director Daemon terminated on signal: (INT|TERM)$/gm) ?? [];
    assert.equal(lines.length, 1, child.err());
    assert.doesNotMatch(child.err(), /Repeatedly|Error/);
  } finally { sb.cleanup(); }
});

test('-d: HUP reloads in the foreground too', { timeout: 60_000 }, async () => {
  const sb = new Sandbox();
  try {
    sb.writeConfig('www', BASIC);
    const child = sb.spawnForeground(['-d', 'www', 'start']);
    assert.ok(await waitFor(() => /idle engine for/.test(child.err())), child.err());
    sb.writeConfig('www', `${BASIC}nonsense=1\n`);
    child.kill('SIGHUP');
    assert.ok(await waitFor(() => /keeping the running configuration/.test(child.err())), child.err());
    assert.match(child.err(), /www:7: error: /);
    assert.equal(child.exitCode, null, 'still running');
    child.kill('SIGTERM');
    await exited(child);
    assert.equal(child.exitCode, 0);
  } finally { sb.cleanup(); }
});

test('logfile="local0": RFC 3164 datagrams with ident ldirectord[pid] and facility local0 on the syslog socket', { timeout: 60_000 }, async () => {
  const sb = new Sandbox();
  const sockPath = join(sb.dir, 'log.sock');
  const got: string[] = [];
  const server = unixDgram.createSocket('unix_dgram', (msg) => { got.push(msg.toString()); });
  server.bind(sockPath);
  try {
    sb.writeConfig('www', BASIC, { logfile: 'local0' });
    const env = { LDIRECTORD_SYSLOG_SOCKET: sockPath };
    const r = await sb.ldirectord(['www', 'status'], { env });
    assert.equal(r.code, 3, r.stderr);
    assert.ok(await waitFor(() => got.length >= 2), got.join('\n'));
    // local0 = 16, info = 6 -> <134>; errors (the exit status line) are err = 3 -> <131>.
    assert.match(got[0] ?? '', /^<134>\w{3} [ \d]\d \d\d:\d\d:\d\d ldirectord\[\d+\]: Invoking ldirectord invoked as: \S+ldirectord www status$/);
    assert.ok(got.some((l) => /^<131>.* ldirectord\[\d+\]: Exiting with exit_status 3: /.test(l)), got.join('\n'));
    assert.equal(sb.readLog(), '');
    // A missing socket is a startup error for start.
    const bad = await sb.ldirectord(['www', 'start'], { env: { LDIRECTORD_SYSLOG_SOCKET: join(sb.dir, 'nosock') } });
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /Can not log to syslog via \S+nosock: ENOENT/);
    assert.equal(sb.readPid('www'), undefined);
  } finally {
    server.close();
    try { unlinkSync(sockPath); } catch { /* gone */ }
    sb.cleanup();
  }
});

test('supervised: a closed stdout (supervisor log pipe gone) does not kill the daemon', { timeout: 60_000 }, async () => {
  const sb = new Sandbox();
  try {
    sb.writeConfig('www', `supervised=yes\n${BASIC}`);
    const child = sb.spawnForeground(['www', 'start']);
    assert.ok(await waitFor(() => /idle engine for/.test(child.out())), child.out() + child.err());
    child.stdout!.destroy();
    // Each of these makes the daemon log to the closed pipe.
    child.kill('SIGHUP');
    await new Promise((r) => setTimeout(r, 500));
    child.kill('SIGHUP');
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(child.exitCode, null, `still running; stderr: ${child.err()}`);
    child.kill('SIGTERM');
    await exited(child);
    assert.equal(child.exitCode, 0);
  } finally { sb.cleanup(); }
});
