/**
 * `stop` while `start` is still starting (issue 15), with the built command and the real engine
 * over the in-memory table (LDIRECTORD_ENGINE=memory; the kernel lab runs the same against IPVS
 * in test/kernel/e2e/admin-faults.test.ts), 300 virtuals to load and program.
 * Until the daemon has taken the pid file over, it names `start` (before, there was none: a stop
 * then answered 0 and the daemon that came up afterwards kept running). However the stop and the
 * startup interleave: stop 0, no process left, no pid file, every virtual the daemon added
 * removed again (cleanstop), and start's exit code as docs/cli.md says (1, "stopped during
 * startup", unless the daemon was up first).
 */
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { processesWith } from '../e2e-support/procs.js';
import { Sandbox, sleep, waitFor } from './helpers.js';

let box: Sandbox;
afterEach(() => box?.cleanup());

const VIRTUALS = 300;

function bigConfig(): string {
  const lines = ['checkinterval=5', 'checktimeout=3', 'negotiatetimeout=3'];
  for (let v = 0; v < VIRTUALS; v++) {
    lines.push(`virtual=127.0.1.${(v % 250) + 1}:${2000 + v}`);
    for (let r = 0; r < 5; r++) lines.push(`\treal=127.0.2.${r + 1}:${2000 + v} gate`);
    lines.push('\tchecktype=connect');
  }
  return `${lines.join('\n')}\n`;
}

const processesOf = (cf: string): number[] => processesWith(`${cf} start`);

const count = (log: string, re: RegExp): number => log.split('\n').filter((l) => re.test(l)).length;

const ENV = { LDIRECTORD_ENGINE: 'memory', LDIRECTORD_START_TIMEOUT: '120', LDIRECTORD_STOP_TIMEOUT: '120' };

/** startingBox writes the big config and launches `start` (not awaited). */
function launch(cf: string) {
  box = new Sandbox();
  box.writeConfig(cf, bigConfig());
  return box.ldirectord([cf, 'start'], { env: ENV, timeoutMs: 240_000 });
}

/** pidOfStart is the pid of the `start` command, from its "as daemon" log line. */
function pidOfStart(): number | undefined {
  const line = existsSync(box.log) ? box.readLog().split('\n').find((l) => l.includes('as daemon')) : undefined;
  const m = line ? /\|(\d+)\]/.exec(line) : null;
  return m ? Number(m[1]) : undefined;
}

/** settled checks what must hold however the stop and the startup interleaved. */
async function settled(cf: string, start: { code: number | null; stderr: string }, stop: { code: number | null; stderr: string }, what: string) {
  assert.equal(stop.code, 0, `stop: ${stop.stderr}`);
  assert.ok(await waitFor(() => processesOf(cf).length === 0, 30_000), `left running: ${processesOf(cf).join(' ')}`);
  assert.equal(existsSync(box.pidFile(cf)), false, 'no pid file left');
  await sleep(200); // the daemon's last log lines
  const log = box.readLog();
  const added = count(log, /Added virtual server: /), purged = count(log, /Purged virtual server \(stop\): /);
  assert.equal(purged, added, 'every virtual the daemon added is removed by the stop (cleanstop=yes)');
  if (start.code === 0) {
    // The daemon reported up before the stop reached it: a plain stop of a running daemon.
    assert.equal(added, VIRTUALS);
    assert.match(log, /terminated on signal: TERM/);
  } else {
    assert.equal(start.code, 1, `start: ${start.stderr}`);
    assert.match(start.stderr, /ldirectord was stopped during startup \(signal TERM\)/);
  }
  console.log(`# stop during start (${what}): start exit ${start.code}, ${added} virtuals added and ${purged} removed`);
}

test('stop as soon as the pid file appears: stop 0, nothing left running, table cleaned', async () => {
  const cf = `sds-${process.pid}-a.cf`;
  const starting = launch(cf);
  assert.ok(await waitFor(() => existsSync(box.pidFile(cf)), 120_000, 5), 'a pid file during startup');
  const stop = await box.ldirectord([cf, 'stop'], { env: ENV, timeoutMs: 240_000 });
  await settled(cf, await starting, stop, 'pid file seen');
});

test('while the daemon boots, the pid file names `start`, which passes a stop on: start 1, nothing left', async () => {
  const cf = `sds-${process.pid}-b.cf`;
  const starting = launch(cf);
  // Until the daemon takes the pid file over, it names `start` (before, there was no pid file
  // and a stop in this window found nothing to stop). What `stop` does first: TERM that pid.
  assert.ok(await waitFor(() => pidOfStart() !== undefined && box.readPid(cf) === pidOfStart(), 120_000, 5), 'the pid file names `start` while the daemon boots');
  process.kill(box.readPid(cf)!, 'SIGTERM');
  const stop = await box.ldirectord([cf, 'stop'], { env: ENV, timeoutMs: 240_000 });
  const start = await starting;
  assert.equal(start.code, 1, 'the stop reached `start` before the daemon was up');
  await settled(cf, start, stop, 'TERM to start');
});
