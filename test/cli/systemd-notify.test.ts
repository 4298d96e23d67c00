/**
 * Under systemd (a Type=notify unit, packaging/systemd/): `start` stays in the foreground as the
 * daemon, writes its pid file, and speaks sd_notify: READY=1 with MAINPID once up, RELOADING=1 and
 * READY=1 around a reload, STOPPING=1 when it stops. A NOTIFY_SOCKET merely inherited (not our pid
 * in SYSTEMD_EXEC_PID) changes nothing. The kernel lab test (test/kernel/e2e/sd-notify.test.ts)
 * shows READY=1 comes after the IPVS table is programmed.
 */
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { NotifySocket, spawnAsUnitMain } from '../e2e-support/notify-socket.js';
import { alive, BASIC, BIN, Sandbox, waitFor } from './helpers.js';

let box: Sandbox;
let notify: NotifySocket<{ pidFile: boolean }> | undefined;
afterEach(() => { box?.cleanup(); notify?.close(); notify = undefined; });

test('the main process of a Type=notify unit: READY=1 once up, RELOADING=1/READY=1, STOPPING=1', async () => {
  box = new Sandbox();
  box.writeConfig('www.cf', BASIC);
  notify = new NotifySocket(() => ({ pidFile: existsSync(box.pidFile('www.cf')) }));
  const main = spawnAsUnitMain(BIN, ['www.cf', 'start'], notify.path, box.env());
  box.children.add(main);
  assert.ok(await waitFor(() => notify!.has('READY'), 20_000), 'READY=1 arrives');
  const ready = notify.messages.find((m) => m.fields.READY === '1')!;
  assert.equal(Number(ready.fields.MAINPID), main.pid, 'MAINPID is the process systemd started');
  assert.equal(ready.seen.pidFile, true, 'the pid file exists when READY=1 is sent');
  assert.equal(main.exitCode, null, 'the daemon stays in the foreground');
  assert.equal(box.readPid('www.cf'), main.pid);
  const st = await box.ldirectord(['www.cf', 'status']);
  assert.equal(st.code, 0, 'status sees the unit\'s daemon');

  const mark = notify.messages.length;
  main.kill('SIGHUP');
  assert.ok(await waitFor(() => notify!.has('RELOADING', '1', mark) && notify!.has('READY', '1', mark), 20_000), JSON.stringify(notify.messages));
  const after = notify.messages.slice(mark).map((m) => Object.keys(m.fields)[0]);
  assert.ok(after.indexOf('RELOADING') < after.lastIndexOf('READY'), `${after}`);

  const exited = new Promise<number | null>((r) => main.once('exit', (code) => r(code)));
  main.kill('SIGTERM');
  assert.equal(await exited, 0);
  assert.ok(await waitFor(() => notify!.has('STOPPING'), 5000), 'STOPPING=1 was sent');
  assert.equal(existsSync(box.pidFile('www.cf')), false, 'the pid file is gone after the stop');
});

test('a failed start under systemd exits 1 without READY=1', async () => {
  box = new Sandbox();
  box.writeConfig('www.cf', BASIC);
  notify = new NotifySocket(() => ({ pidFile: false }));
  const main = spawnAsUnitMain(BIN, ['www.cf', 'start'], notify.path, box.env({ LDIRECTORD_PIDDIR: '/nonexistent/ld-run' }));
  box.children.add(main);
  const code = await new Promise<number | null>((r) => main.once('exit', (c) => r(c)));
  assert.equal(code, 1);
  assert.equal(notify.has('READY'), false);
});

test('an inherited NOTIFY_SOCKET (SYSTEMD_EXEC_PID is another pid) does not change start', async () => {
  box = new Sandbox();
  box.writeConfig('www.cf', BASIC);
  notify = new NotifySocket(() => ({ pidFile: false }));
  const r = await box.ldirectord(['www.cf', 'start'], { executable: true, env: { NOTIFY_SOCKET: notify.path, SYSTEMD_EXEC_PID: '1' } });
  assert.equal(r.code, 0, r.stderr);
  const pid = box.readPid('www.cf');
  assert.ok(pid && alive(pid), 'a detached daemon as usual');
  assert.equal(notify.messages.length, 0, 'nothing was sent to the socket');
});
