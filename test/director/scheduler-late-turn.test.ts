/**
 * A check whose answer arrived during a long event-loop turn is judged on that answer, not on its
 * deadline: the scheduler judges deadlines after the turn's I/O (clock.afterIo). What a starved
 * guest does to the daemon (turns of seconds), made deterministic: the server is another process,
 * and the test blocks our loop until that process has sent the answer AND the deadline has
 * passed, so when the loop resumes both the deadline timer and the answer are due.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Scheduler, type ProbeResult } from '../../src/director/scheduler.js';
import { probeFor } from '../../src/director/spec.js';
import { systemClock, type Clock } from '../../src/util/clock.js';
import type { CheckResult } from '../../src/checks/types.js';
import { global, real, virtual } from './helpers.js';

/** The server answers "pong" to any data, then creates the marker file (the answer is on its way). */
const SERVER = `
const net = require('node:net'); const fs = require('node:fs');
const marker = process.argv[1];
const srv = net.createServer((c) => c.once('data', () => c.write('pong', () => fs.writeFileSync(marker, ''))));
srv.listen(0, '127.0.0.1', () => process.stdout.write(srv.address().port + '\\n'));
`;

async function startServer(marker: string): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, ['-e', SERVER, marker], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.once('data', (d: Buffer) => resolve(Number(d.toString().trim())));
    child.once('exit', (code) => reject(new Error(`server exited ${code}`)));
  });
  return { child, port };
}

/** blockUntil spins the loop's thread (no turn can run) until `done` holds: a starved daemon. */
function blockUntil(done: () => boolean): void {
  while (!done()) { /* spin: stands for a turn of seconds */ }
}

async function checkAfterLongTurn(clock: Clock, port: number, marker: string): Promise<ProbeResult> {
  rmSync(marker, { force: true });
  const timeoutMs = 100;
  const p = probeFor(virtual('127.0.0.1', port, [], { checkinterval: 60, checktype: { kind: 'connect' }, checktimeout: timeoutMs / 1000 }), real('127.0.0.1'), global());
  return new Promise<ProbeResult>((resolve) => {
    const s = new Scheduler({
      clock, maxChecks: 0,
      run: (_spec, signal, limit) => new Promise<CheckResult>((done) => {
        const sock = connect(port, '127.0.0.1');
        const end = (r: CheckResult): void => { sock.destroy(); done(r); };
        signal.addEventListener('abort', () => end({ up: false, message: 'timeout', durationMs: limit.elapsedMs() }), { once: true });
        sock.once('data', () => end({ up: true, message: 'pong', durationMs: limit.elapsedMs() }));
        sock.once('connect', () => {
          sock.write('ping');
          // The long turn: it ends only once the answer is sent and the deadline is past.
          blockUntil(() => existsSync(marker) && limit.elapsedMs() > timeoutMs + 50);
        });
      }),
      onResult: (_k, r) => { setImmediate(() => s.stop()); resolve(r); },
    });
    s.add(p, 0);
  });
}

test('an answer that arrived during a long turn wins over the deadline that passed in it', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'late-turn-'));
  const marker = join(dir, 'sent');
  const { child, port: srvPort } = await startServer(marker);
  t.after(() => { child.kill(); rmSync(dir, { recursive: true, force: true }); });
  const judgedAfterIo = await checkAfterLongTurn(systemClock(), srvPort, marker);
  assert.equal(judgedAfterIo.up, true, `judged after the turn's I/O: ${judgedAfterIo.message}`);
  // The same turn judged in the timers phase (a clock without afterIo) loses the answer: this is
  // what the test guards against, and shows the test can fail.
  const timersOnly: Clock = { ...systemClock(), afterIo: undefined };
  const judgedAtOnce = await checkAfterLongTurn(timersOnly, srvPort, marker);
  assert.equal(judgedAtOnce.up, false);
  assert.equal(judgedAtOnce.message, 'timeout');
});
