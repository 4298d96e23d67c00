/**
 * Issue 9 on the host: a real daemon (runDaemon with the director engine on the memory IPVS
 * double, the real clock, chokidar and inotify) whose .cf is edited by real tools while the table
 * is sampled every 20 ms. The same scenarios run against the real kernel in
 * test/kernel/e2e/config-edits.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, loadConfigText } from '../../src/config/index.js';
import { runDaemon } from '../../src/daemon/daemon.js';
import { directorEngineFactory } from '../../src/daemon/director-engine.js';
import { SwitchableLogger, type ClosableLogger } from '../../src/daemon/logger.js';
import { MemoryIpvs } from '../../src/ipvs/memory.js';
import { systemClock } from '../../src/util/clock.js';
import { memoryLogger } from '../../src/util/log.js';
import { baseConfig, BEFORE, canonical, EDIT_CASES, judgeEdit, slowWrite, waitTrue, type EditCase } from '../e2e-support/config-edits.js';
import { FakeHost } from './helpers.js';

const SETTLE_MS = 20_000;

/** withDaemon runs `body` against a daemon started on baseConfig in a fresh directory. */
async function withDaemon(autoreload: boolean, body: (file: string, d: { host: FakeHost; ipvs: MemoryIpvs; lines: string[] }) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'ld-edits-'));
  const file = join(dir, 'www.cf');
  writeFileSync(file, baseConfig({ logfile: join(dir, 'ldirectord.log'), autoreload }));
  const loaded = await loadConfig(file, { name: 'www' });
  assert.ok(loaded.ok);
  const ipvs = new MemoryIpvs();
  const mem = memoryLogger();
  const opened: string[] = [];
  const host = new FakeHost(4343);
  await runDaemon({
    config: loaded.config,
    loadConfig: (f, o) => (o.text !== undefined ? loadConfigText(o.text, f, o) : loadConfig(f, o)),
    openLogger: async (c) => { opened.push(c.global.logfile); return { ...memoryLogger(), close() {} } as ClosableLogger; },
    logger: new SwitchableLogger({ ...mem, close() {} }),
    engineFactory: directorEngineFactory(async () => ipvs),
    clock: systemClock(),
    execute: async (names) => names.map(() => 0),
    host,
  });
  try {
    await waitTrue('the table is programmed', async () => (await sample(ipvs)) === BEFORE, SETTLE_MS);
    await body(file, { host, ipvs, lines: mem.lines });
    assert.deepEqual(opened, [], 'the log destination never changed');
  } finally {
    host.signal('SIGTERM');
    await waitTrue('the daemon exits', () => host.exits.length === 1, SETTLE_MS);
    rmSync(dir, { recursive: true, force: true });
  }
}

async function sample(ipvs: MemoryIpvs): Promise<string> {
  const [svc] = await ipvs.listServices();
  return svc ? canonical((await ipvs.listDests(svc.key)).map((d) => [`${d.address}:${d.port}`, d.weight] as const)) : '';
}

const after = (file: string): string => readFileSync(file, 'utf8').replace('127.0.0.3:80 masq 1', '127.0.0.3:80 masq 5');

for (const c of EDIT_CASES) {
  test(`autoreload, edited in place: ${c.name}`, async () => {
    await withDaemon(true, (file, d) => judgeEdit(c, file, after(file), { sample: () => sample(d.ipvs), logLines: () => d.lines }, SETTLE_MS));
  });
}

test('HUP in the middle of a slow write loads the final content, never the torn one', async () => {
  await withDaemon(false, async (file, d) => {
    const hup: EditCase = {
      name: 'HUP during a slow write (autoreload=no)',
      expect: '127.0.0.2:80=1,127.0.0.3:80=5',
      edit: async (f, text) => {
        const writing = slowWrite(f, text, 0.5);
        await waitTrue('the first chunk is on disk', () => {
          const now = readFileSync(f, 'utf8');
          return now.length > 0 && now !== text && text.startsWith(now);
        }, 5000);
        d.host.signal('SIGHUP');
        await writing;
      },
    };
    await judgeEdit(hup, file, after(file), { sample: () => sample(d.ipvs), logLines: () => d.lines }, SETTLE_MS);
    assert.equal(d.lines.filter((l) => l.includes('on signal')).length, 1, 'one reload on signal');
    // Whether the watcher also logs the change (and " - ignore new configuration") depends on
    // whether its own settled read finished before the HUP's load: both are right.
    assert.ok(!d.lines.some((l) => /has changed on disk/.test(l)) || d.lines.some((l) => l.includes(' - ignore new configuration')),
      'autoreload=no: the watcher never reloads');
  });
});
