/**
 * readSettled and openForWriting against real files and real writer processes: what a torn
 * read would look like is made by a shell holding the file open between its writes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readSettled } from '../../src/daemon/config-file.js';
import { openForWriting } from '../../src/daemon/file-writers.js';
import { systemClock, type Clock } from '../../src/util/clock.js';
import { waitUntil } from '../harness/wait.js';

const clock = systemClock();

function scratch(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'ld-settle-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** holder keeps `file` open (mode '>' write, '<' read) until killed. */
function holder(file: string, mode: '>>' | '<'): ChildProcess {
  return spawn('/bin/sh', ['-c', `exec sleep 60 3${mode}"$1"`, 'sh', file], { stdio: 'ignore' });
}

const idOf = (file: string) => { const s = statSync(file); return { dev: s.dev, ino: s.ino }; };

test('openForWriting: a process holding the file open for writing is seen, a reader is not', async (t) => {
  const file = join(scratch(t), 'www.cf');
  writeFileSync(file, 'x\n');
  assert.equal(await openForWriting(idOf(file)), false);
  const reader = holder(file, '<');
  t.after(() => reader.kill('SIGKILL'));
  await waitUntil('the reader holds the file', () => readFileSync(`/proc/${reader.pid}/cmdline`, 'latin1').startsWith('sleep'), 5000, 20);
  assert.equal(await openForWriting(idOf(file)), false, 'a reader is not a writer');
  const writer = holder(file, '>>');
  await waitUntil('the writer holds the file', () => readFileSync(`/proc/${writer.pid}/cmdline`, 'latin1').startsWith('sleep'), 5000, 20);
  assert.equal(await openForWriting(idOf(file)), true);
  writer.kill('SIGKILL');
  await new Promise((r) => writer.once('exit', r));
  assert.equal(await openForWriting(idOf(file)), false, 'gone once the writer exits');
});

test('readSettled: a file untouched for longer than the quiet period is read at once', async (t) => {
  const file = join(scratch(t), 'www.cf');
  writeFileSync(file, 'checkinterval=5\n');
  const old = new Date(Date.now() - 60_000);
  utimesSync(file, old, old);
  let timers = 0;
  const counting: Clock = { ...clock, setTimeout: (fn, ms) => { timers++; return clock.setTimeout(fn, ms); } };
  const r = await readSettled(file, { clock: counting });
  assert.deepEqual(r, { kind: 'content', content: Buffer.from('checkinterval=5\n') });
  assert.equal(timers, 0, 'no waiting');
});

test('readSettled: a writer that pauses longer than the quiet period is waited for until it closes the file', async (t) => {
  const file = join(scratch(t), 'www.cf');
  writeFileSync(file, '');
  const full = 'checkinterval=5\nvirtual=192.0.2.1:80\n\treal=127.0.0.2:80 masq 1\n\treal=127.0.0.3:80 masq 1\n';
  const w = spawn('/bin/sh', ['-c', `{ printf '%s' "$A"; sleep 1.5; printf '%s' "$B"; } > "$1"`, 'sh', file],
    { stdio: 'ignore', env: { ...process.env, A: full.slice(0, 30), B: full.slice(30) } });
  t.after(() => w.kill('SIGKILL'));
  await waitUntil('the first part is written', () => readFileSync(file, 'utf8').length === 30, 5000, 10);
  const r = await readSettled(file, { clock, quietMs: 200 });
  assert.deepEqual(r, { kind: 'content', content: Buffer.from(full) }, 'the whole file, not the first part');
});

test('readSettled: a file rewritten by separate writers is read once it stopped changing for the quiet period', async (t) => {
  const file = join(scratch(t), 'www.cf');
  writeFileSync(file, 'a\n');
  // Each step is a separate open (no writer holds the file between them): only the quiet period tells.
  const w = spawn('/bin/sh', ['-c', 'for i in 1 2 3 4; do echo "step $i" >> "$1"; sleep 0.2; done', 'sh', file], { stdio: 'ignore' });
  t.after(() => w.kill('SIGKILL'));
  await waitUntil('the first step is written', () => readFileSync(file, 'utf8').includes('step 1'), 5000, 10);
  const r = await readSettled(file, { clock, quietMs: 700 });
  assert.equal(r.kind, 'content');
  assert.equal(r.kind === 'content' && r.content.toString(), 'a\nstep 1\nstep 2\nstep 3\nstep 4\n');
});

test('readSettled: a file that never stops changing is given up; a missing file says so; abort ends the wait', async (t) => {
  const dir = scratch(t);
  const file = join(dir, 'www.cf');
  writeFileSync(file, 'a\n');
  const w = spawn('/bin/sh', ['-c', 'while :; do echo x >> "$1"; sleep 0.05; done', 'sh', file], { stdio: 'ignore' });
  t.after(() => w.kill('SIGKILL'));
  assert.deepEqual(await readSettled(file, { clock, quietMs: 300, giveUpMs: 1500 }), { kind: 'unsettled' });
  assert.deepEqual(await readSettled(join(dir, 'nope.cf'), { clock }), { kind: 'missing', reason: 'ENOENT' });
  const ac = new AbortController();
  const pending = readSettled(file, { clock, quietMs: 300, signal: ac.signal });
  setTimeout(() => ac.abort(), 100);
  assert.deepEqual(await pending, { kind: 'aborted' });
});
