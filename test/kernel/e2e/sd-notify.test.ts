/**
 * systemd readiness on a real IPVS kernel: `ldirectord <cf> start` as the main process of a
 * Type=notify unit sends READY=1 only once the table is programmed. The test's notification
 * socket reads the kernel table (ipvsadm) the moment each message arrives; the table only grows
 * after programming, so a READY=1 sent early would arrive with the virtual missing.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ldirectordBin } from '../../e2e-support/cli.js';
import { clearTable, ipvsadmText, readTable } from '../../e2e-support/ipvs-table.js';
import { NotifySocket, spawnAsUnitMain } from '../../e2e-support/notify-socket.js';
import { waitFor } from '../../e2e-support/wait.js';
import { assertInLab } from '../support.js';

assertInLab();

const SVC = 'TCP 192.0.2.90:80';
let dir: string;

before(async () => {
  await clearTable();
  dir = mkdtempSync('/tmp/e2e-notify-');
  // checktype=on: the reals are up without a server, so the first programming adds both.
  writeFileSync(join(dir, 'www.cf'), [
    `logfile="${dir}/ldirectord.log"`, 'checkinterval=1', '',
    'virtual=192.0.2.90:80', '\treal=127.0.0.2:80 gate', '\treal=127.0.0.3:80 gate', '\tchecktype=on', '\tscheduler=wrr', '',
  ].join('\n'));
});
after(async () => {
  await clearTable();
  rmSync(dir, { recursive: true, force: true });
});

test('READY=1 arrives with the table programmed; STOPPING=1, then the table is empty', { timeout: 120_000 }, async () => {
  const notify = new NotifySocket(async () => (await readTable()).get(SVC)?.size ?? 0);
  try {
    const main = spawnAsUnitMain(ldirectordBin(), [join(dir, 'www.cf'), 'start'], notify.path, {
      PATH: process.env.PATH, LDIRECTORD_PIDDIR: dir,
    });
    const exited = new Promise<number | null>((r) => main.once('exit', (c) => r(c)));
    await waitFor('READY=1', () => (notify.messages.some((m) => m.fields.READY === '1' && m.seen !== undefined) ? true : undefined), {
      timeoutMs: 60_000, intervalMs: 100, describe: async () => `${JSON.stringify(notify.messages)}\n${await ipvsadmText()}`,
    });
    const ready = notify.messages.find((m) => m.fields.READY === '1')!;
    assert.equal(ready.seen, 2, 'both reals were in the kernel when READY=1 arrived');
    assert.equal(Number(ready.fields.MAINPID), main.pid);
    main.kill('SIGTERM');
    assert.equal(await exited, 0);
    await waitFor('STOPPING=1', () => (notify.messages.some((m) => m.fields.STOPPING === '1') ? true : undefined), { timeoutMs: 10_000, intervalMs: 100 });
    assert.equal((await readTable()).get(SVC), undefined, 'stop removed the virtual (cleanstop)');
  } finally {
    notify.close();
  }
});
