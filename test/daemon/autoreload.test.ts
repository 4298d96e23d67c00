import { waitUntil } from '../harness/wait.js';
import { test } from 'node:test';
import { EventEmitter } from 'node:events';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { watchConfig } from '../../src/daemon/autoreload.js';
import { readSettled } from '../../src/daemon/config-file.js';
import { spawnExec } from '../../src/director/exec.js';
import { systemClock } from '../../src/util/clock.js';
import { memoryLogger } from '../../src/util/log.js';

const waitFor = (cond: () => boolean, ms = 10_000): Promise<void> => waitUntil(`timed out: ${cond.toString()}`, cond, ms, 20);
const clock = systemClock();
const read = (file: string) => (signal: AbortSignal) => readSettled(file, { clock, signal });

function scratch(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'ld-autoreload-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('autoreload: content change reloads with the new content and runs the callback with the full path; touch does nothing', async (t) => {
  const dir = scratch(t);
  const file = join(dir, 'ldirectord.cf');
  const out = join(dir, 'callback.out');
  const cb = join(dir, 'cb.sh');
  writeFileSync(file, 'checkinterval=5\n');
  writeFileSync(cb, `#!/bin/sh\necho "$@" >> ${out}\n`);
  chmodSync(cb, 0o755);
  const logger = memoryLogger();
  const reloads: string[] = [];
  let auto = true;
  const w = await watchConfig({
    file, logger, clock, autoreload: () => auto, read: read(file), exec: spawnExec,
    reload: async (content) => { reloads.push(content.toString()); }, callback: () => cb,
  });
  t.after(() => w.close());
  await w.ready;
  const now = new Date();
  utimesSync(file, now, now);
  assert.equal(await w.check(), false, 'touch: same content');
  writeFileSync(file, 'checkinterval=6\n');
  await waitFor(() => reloads.length === 1);
  assert.deepEqual(reloads, ['checkinterval=6\n']);
  await waitFor(() => { try { return readFileSync(out, 'utf8') === `${file}\n`; } catch { return false; } });
  assert.ok(logger.lines.includes(`info: Configuration file '${file}' has changed on disk`));
  auto = false;
  writeFileSync(file, 'checkinterval=7\n');
  await waitFor(() => logger.lines.includes('info:  - ignore new configuration'));
  assert.equal(reloads.length, 1);
});

test('autoreload: content the daemon loaded itself (HUP) is not reloaded again', async (t) => {
  const dir = scratch(t);
  const file = join(dir, 'www.cf');
  writeFileSync(file, 'checkinterval=5\n');
  let reloads = 0;
  const w = await watchConfig({ file, logger: memoryLogger(), clock, autoreload: () => true, read: read(file), exec: spawnExec, reload: async () => { reloads++; } });
  t.after(() => w.close());
  await w.ready;
  writeFileSync(file, 'checkinterval=6\n');
  w.loaded(Buffer.from('checkinterval=6\n'));
  assert.equal(await w.check(), false);
  assert.equal(reloads, 0);
});

test('autoreload: a hanging callback holds up neither the next change nor close', async (t) => {
  const dir = scratch(t);
  const file = join(dir, 'www.cf');
  const pidFile = join(dir, 'cb.pid');
  const cb = join(dir, 'hang.sh');
  writeFileSync(file, 'checkinterval=5\n');
  writeFileSync(cb, `#!/bin/sh\necho $$ >> ${pidFile}\nexec sleep 120\n`, { mode: 0o755 });
  const pids = (): string[] => { try { return readFileSync(pidFile, 'utf8').trim().split('\n'); } catch { return []; } };
  t.after(() => {
    for (const pid of pids()) { try { process.kill(Number(pid), 'SIGKILL'); } catch { /* gone */ } }
  });
  const reloads: string[] = [];
  const w = await watchConfig({
    file, logger: memoryLogger(), clock, autoreload: () => true, read: read(file), exec: spawnExec,
    reload: async (c) => { reloads.push(c.toString()); }, callback: () => cb,
  });
  await w.ready;
  writeFileSync(file, 'checkinterval=6\n');
  await waitFor(() => reloads.length === 1);
  writeFileSync(file, 'checkinterval=7\n');
  await waitFor(() => reloads.length === 2);
  const t0 = Date.now();
  await w.close();
  assert.ok(Date.now() - t0 < 5000, 'close does not wait for the callback');
  await waitFor(() => pids().length === 2);
});

test('autoreload: a watcher error (e.g. inotify ENOSPC) is logged, never thrown out of the daemon', async (t) => {
  const dir = scratch(t);
  const file = join(dir, 'ldirectord.cf');
  writeFileSync(file, 'checkinterval=5\n');
  const logger = memoryLogger();
  const fake = new EventEmitter();
  const w = await watchConfig({
    file, logger, clock, autoreload: () => true, reload: async () => {}, read: read(file), exec: spawnExec,
    watch: () => Object.assign(fake, { close: async () => {} }),
  });
  t.after(() => w.close());
  fake.emit('ready');
  await w.ready;
  const err = Object.assign(new Error('ENOSPC: System limit for number of file watchers reached'), { code: 'ENOSPC' });
  assert.doesNotThrow(() => fake.emit('error', err));
  assert.ok(logger.lines.some((l) => l.startsWith('error: ') && l.includes(file) && l.includes('ENOSPC')), logger.lines.join('\n'));
});

test('spawnExec keeps its contract (never rejects) when spawn throws at once (ENOMEM, invalid argument)', async () => {
  // A NUL byte makes child_process.spawn throw synchronously, as a failed fork (ENOMEM) does.
  assert.equal(await spawnExec(['/bin/no\0pe', 'x']), 127);
  assert.equal(await spawnExec(['/bin/true']), 0);
});
