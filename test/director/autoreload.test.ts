import { waitUntil } from '../harness/wait.js';
import { test } from 'node:test';
import { EventEmitter } from 'node:events';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, utimesSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { watchConfig } from '../../src/director/autoreload.js';
import { memoryLogger } from '../../src/util/log.js';

const waitFor = (cond: () => boolean, ms = 5000): Promise<void> => waitUntil(`timed out: ${cond.toString()}`, cond, ms, 20);

test('autoreload: content change reloads and runs the callback with the full path; touch does nothing', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'ld-autoreload-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'ldirectord.cf');
  const out = join(dir, 'callback.out');
  const cb = join(dir, 'cb.sh');
  writeFileSync(file, 'checkinterval=5\n');
  writeFileSync(cb, `#!/bin/sh\necho "$@" >> ${out}\n`);
  chmodSync(cb, 0o755);
  const logger = memoryLogger();
  let reloads = 0;
  let auto = true;
  const w = await watchConfig({ file, logger, autoreload: () => auto, reload: async () => { reloads++; }, callback: () => cb });
  t.after(() => w.close());
  await w.ready;
  const now = new Date();
  utimesSync(file, now, now);
  assert.equal(await w.check(), false, 'touch: same digest');
  writeFileSync(file, 'checkinterval=6\n');
  await waitFor(() => reloads === 1);
  await waitFor(() => { try { return readFileSync(out, 'utf8') === `${file}\n`; } catch { return false; } });
  assert.ok(logger.lines.includes(`info: Configuration file '${file}' has changed on disk`));
  auto = false;
  writeFileSync(file, 'checkinterval=7\n');
  await waitFor(() => logger.lines.includes('info:  - ignore new configuration'));
  assert.equal(reloads, 1);
});

test('autoreload: a watcher error (e.g. inotify ENOSPC) is logged, never thrown out of the daemon', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'ld-autoreload-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'ldirectord.cf');
  writeFileSync(file, 'checkinterval=5\n');
  const logger = memoryLogger();
  const fake = new EventEmitter();
  const w = await watchConfig({
    file, logger, autoreload: () => true, reload: async () => {},
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
  const { spawnExec } = await import('../../src/director/exec.js');
  // A NUL byte makes child_process.spawn throw synchronously, as a failed fork (ENOMEM) does.
  assert.equal(await spawnExec(['/bin/no\0pe', 'x']), 127);
  assert.equal(await spawnExec(['/bin/true']), 0);
});
