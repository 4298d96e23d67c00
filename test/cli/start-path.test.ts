/**
 * One start path: `ldirectord [config] start` spawns the detached daemon and waits (bounded) for
 * its report, however the command is invoked (run as an executable, as an admin or the OCF agent
 * does, or as `node bin/ldirectord`). The daemon leaves the caller's stdio, cwd and session.
 */
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readlinkSync } from 'node:fs';
import { alive, BASIC, BIN, Sandbox, waitFor } from './helpers.js';

let box: Sandbox;
afterEach(() => box?.cleanup());

/** pidsInLog: the pids of the log lines that contain `text` (file log: `[date|name|pid] text`). */
function pidsInLog(log: string, text: string): number[] {
  return log.split('\n').filter((l) => l.includes(text)).map((l) => Number(/\|(\d+)\]/.exec(l)?.[1]));
}

for (const executable of [true, false]) {
  const how = executable ? 'bin/ldirectord run as an executable' : 'node bin/ldirectord';
  test(`start (${how}): a detached daemon, up when start returns`, async () => {
    box = new Sandbox();
    box.writeConfig('www.cf', BASIC);
    const r = await box.ldirectord(['www.cf', 'start'], { executable });
    assert.deepEqual([r.code, r.stdout, r.stderr], [0, '', '']);
    const pid = box.readPid('www.cf');
    assert.ok(pid && alive(pid), 'the daemon runs after start returned');
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'latin1').split('\0').join(' ');
    assert.ok(cmdline.includes(`${BIN} www.cf start`), cmdline);
    for (const fd of [0, 1, 2]) assert.equal(readlinkSync(`/proc/${pid}/fd/${fd}`), '/dev/null', `fd ${fd}`);
    assert.equal(readlinkSync(`/proc/${pid}/cwd`), '/');
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    const session = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[3]);
    assert.equal(session, pid, 'the daemon leads a session of its own');
    const log = box.readLog();
    const invoking = pidsInLog(log, 'Invoking ldirectord');
    assert.equal(invoking.length, 1);
    assert.notEqual(invoking[0], pid, 'the command and the daemon are two processes');
    assert.deepEqual(pidsInLog(log, 'Starting Linux Director'), invoking, 'the command logs the start');

    const st = await box.ldirectord(['www.cf', 'status'], { executable });
    assert.equal(st.code, 0, st.stderr);
    assert.match(st.stderr, new RegExp(`running with pid: ${pid}`));
    const again = await box.ldirectord(['www.cf', 'start'], { executable });
    assert.equal(again.code, 0, 'start while running is a no-op success');
    const stop = await box.ldirectord(['www.cf', 'stop'], { executable });
    assert.equal(stop.code, 0, stop.stderr);
    assert.ok(await waitFor(() => !alive(pid!)), 'stopped');
  });
}

const failures: Array<{ desc: string; cf: string; body: string; env?: NodeJS.ProcessEnv; code: number }> = [
  { desc: 'a broken config', cf: 'bad.cf', body: 'checktimeout=banana\nvirtual=10.0.0.1:80\n\treal=10.0.0.2:80 gate\n\tbogus=1\n', code: 2 },
  { desc: 'a pid file that cannot be written (a failure in the daemon)', cf: 'www.cf', body: BASIC, env: { LDIRECTORD_PIDDIR: '/nonexistent/ld-run' }, code: 1 },
];
for (const f of failures) {
  test(`start fails alike however it is invoked: ${f.desc}`, async () => {
    box = new Sandbox();
    box.writeConfig(f.cf, f.body);
    const exe = await box.ldirectord([f.cf, 'start'], { executable: true, env: f.env });
    const viaNode = await box.ldirectord([f.cf, 'start'], { env: f.env });
    assert.equal(exe.code, f.code, exe.stderr);
    assert.deepEqual([exe.code, exe.stdout, exe.stderr], [viaNode.code, viaNode.stdout, viaNode.stderr]);
    assert.ok(exe.stderr.length > 0);
  });
}

test('a start whose daemon hangs times out with exit 1 and leaves no process behind', async () => {
  box = new Sandbox();
  box.writeConfig('www.cf', BASIC);
  // LDIRECTORD_ENGINE=stuck: the engine's start never finishes (main.ts), so the daemon never reports.
  const r = await box.ldirectord(['www.cf', 'start'], { executable: true, env: { LDIRECTORD_ENGINE: 'stuck', LDIRECTORD_START_TIMEOUT: '2' }, timeoutMs: 60_000 });
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /did not report readiness within 2 seconds/);
  const pid = box.readPid('www.cf');
  assert.ok(pid, 'the hung daemon had written its pid file');
  assert.ok(!alive(pid), 'the hung daemon is gone (TERM, then KILL after the grace period)');
  const st = await box.ldirectord(['www.cf', 'status'], { executable: true });
  assert.equal(st.code, 1, 'status reports the stale pid file');
  assert.match(st.stderr, /stale pid file/);
});

test('supervised=yes through the executable runs in the foreground', async () => {
  box = new Sandbox();
  box.writeConfig('sup.cf', `supervised=yes\n${BASIC}`, { logfile: null });
  const { spawn } = await import('node:child_process');
  const child = spawn(BIN, ['sup.cf', 'start'], { env: box.env(), cwd: box.dir, stdio: ['ignore', 'pipe', 'pipe'] });
  box.children.add(child);
  let out = '';
  child.stdout.on('data', (d) => { out += d; });
  child.stderr.on('data', (d) => { out += d; });
  assert.ok(await waitFor(() => out.includes('idle engine for'), 15_000), out);
  assert.equal(child.exitCode, null, 'still running in the foreground');
  assert.equal(out.split('Invoking ldirectord').length - 1, 1, out);
  child.kill('SIGTERM');
  await new Promise((r) => child.once('close', r));
});
