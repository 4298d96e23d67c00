/**
 * `ldirectord [config] start` run as an executable goes through bin/ldirectord's shell part: one
 * Node process checks, starts and becomes the daemon (src/cli/inline-start.ts). It must behave as
 * the two-process start (LDIRECTORD_TWO_PROCESS_START=1) does, and release the caller's stdio.
 */
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readlinkSync } from 'node:fs';
import { alive, BASIC, BIN, Sandbox, sleep, waitFor } from './helpers.js';

let box: Sandbox;
afterEach(() => box?.cleanup());

const TWO = { LDIRECTORD_TWO_PROCESS_START: '1' };

/** pidsInLog: the pids of the log lines that contain `text` (file log: `[date|name|pid] text`). */
function pidsInLog(log: string, text: string): number[] {
  return log.split('\n').filter((l) => l.includes(text)).map((l) => Number(/\|(\d+)\]/.exec(l)?.[1]));
}

test('inline start: one Node process checks, starts and is the daemon, detached from the caller', async () => {
  box = new Sandbox();
  box.writeConfig('www.cf', BASIC);
  const t0 = performance.now();
  const r = await box.ldirectord(['www.cf', 'start'], { executable: true });
  const took = performance.now() - t0;
  assert.deepEqual([r.code, r.stdout, r.stderr], [0, '', '']);
  // The helper resolves on 'close', i.e. once every holder of the caller's pipes let go of them.
  assert.ok(took < 15_000, `start returned after ${took} ms`);
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
  assert.deepEqual(pidsInLog(log, 'Invoking ldirectord'), [pid], 'the invocation and the daemon are one process');
  assert.deepEqual(pidsInLog(log, 'Starting Linux Director'), [pid]);

  const st = await box.ldirectord(['www.cf', 'status'], { executable: true });
  assert.equal(st.code, 0, st.stderr);
  assert.match(st.stderr, new RegExp(`running with pid: ${pid}`));
  const again = await box.ldirectord(['www.cf', 'start'], { executable: true });
  assert.equal(again.code, 0, 'start while running is a no-op success');
  const stop = await box.ldirectord(['www.cf', 'stop'], { executable: true });
  assert.equal(stop.code, 0, stop.stderr);
  assert.ok(await waitFor(() => !alive(pid!)), 'stopped');
});

test('the two-process start still spawns a separate daemon (the path node bin/ldirectord takes)', async () => {
  box = new Sandbox();
  box.writeConfig('www.cf', BASIC);
  const r = await box.ldirectord(['www.cf', 'start'], { executable: true, env: TWO });
  assert.equal(r.code, 0, r.stderr);
  const pid = box.readPid('www.cf')!;
  const log = box.readLog();
  const invoking = pidsInLog(log, 'Invoking ldirectord');
  assert.equal(invoking.length, 1);
  assert.notEqual(invoking[0], pid, 'the command and the daemon are two processes');
  await box.ldirectord(['www.cf', 'stop'], { executable: true });
});

const failures: Array<{ desc: string; cf: string; body: string; env?: NodeJS.ProcessEnv; code: number }> = [
  { desc: 'a broken config', cf: 'bad.cf', body: 'checktimeout=banana\nvirtual=10.0.0.1:80\n\treal=10.0.0.2:80 gate\n\tbogus=1\n', code: 2 },
  { desc: 'a pid file that cannot be written (a failure after stdio was left)', cf: 'www.cf', body: BASIC, env: { LDIRECTORD_PIDDIR: '/nonexistent/ld-run' }, code: 1 },
];
for (const f of failures) {
  test(`inline and two-process start fail alike: ${f.desc}`, async () => {
    box = new Sandbox();
    box.writeConfig(f.cf, f.body);
    const inline = await box.ldirectord([f.cf, 'start'], { executable: true, env: f.env });
    const two = await box.ldirectord([f.cf, 'start'], { executable: true, env: { ...f.env, ...TWO } });
    assert.equal(inline.code, f.code, inline.stderr);
    assert.deepEqual([inline.code, inline.stdout, inline.stderr], [two.code, two.stdout, two.stderr]);
    assert.ok(inline.stderr.length > 0);
  });
}

test('supervised=yes through the executable runs in the foreground once (the shell runs it again the ordinary way)', async () => {
  box = new Sandbox();
  box.writeConfig('sup.cf', `supervised=yes\n${BASIC}`, { logfile: null });
  const { spawn } = await import('node:child_process');
  const child = spawn(BIN, ['sup.cf', 'start'], { env: box.env({ LDIRECTORD_NODE: process.execPath }), cwd: box.dir, stdio: ['ignore', 'pipe', 'pipe'] });
  box.children.add(child);
  let out = '';
  child.stdout.on('data', (d) => { out += d; });
  child.stderr.on('data', (d) => { out += d; });
  assert.ok(await waitFor(() => out.includes('idle engine for'), 15_000), out);
  await sleep(500);
  assert.equal(child.exitCode, null, 'still running in the foreground');
  assert.equal(out.split('Invoking ldirectord').length - 1, 1, out);
  child.kill('SIGTERM');
  await new Promise((r) => child.once('close', r));
});
