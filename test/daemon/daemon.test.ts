import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runDaemon, type DaemonOptions, type Readiness } from '../../src/daemon/daemon.js';
import type { EngineDeps } from '../../src/daemon/engine.js';
import type { ExecuteAction } from '../../src/daemon/execute.js';
import { SwitchableLogger, type ClosableLogger } from '../../src/daemon/logger.js';
import { memoryLogger } from '../../src/util/log.js';
import type { LoadResult } from '../../src/config/model.js';
import { config, FakeHost, settle, loader, manualClock, recordingEngine, waitFor } from './helpers.js';

interface Rig {
  dir: string;
  host: FakeHost;
  engine: ReturnType<typeof recordingEngine>;
  mem: ReturnType<typeof memoryLogger>;
  ready: Readiness[];
  exec: [string[], ExecuteAction][];
  opened: string[];
  deps?: EngineDeps;
  /** The fake file watcher the daemon started (emit 'ready', 'change'), once it is up. */
  watchers: (EventEmitter & { closed: boolean })[];
  opts: DaemonOptions;
}

function rig(o: { results?: LoadResult[]; engine?: ReturnType<typeof recordingEngine>; execute?: string[] } = {}): Rig {
  const dir = mkdtempSync(join(tmpdir(), 'ld-daemon-'));
  const host = new FakeHost(4242);
  const engine = o.engine ?? recordingEngine();
  const mem = memoryLogger();
  const ready: Readiness[] = [];
  const exec: [string[], ExecuteAction][] = [];
  const opened: string[] = [];
  const cfg = config(join(dir, 'www'), { execute: o.execute ?? [] });
  const watchers: Rig['watchers'] = [];
  const r: Rig = { dir, host, engine, mem, ready, exec, opened, watchers } as Rig;
  r.opts = {
    config: cfg,
    loadConfig: loader(o.results ?? [{ ok: true, config: cfg, warnings: [] }]),
    openLogger: async (c) => { opened.push(c.global.logfile); return { ...memoryLogger(), close() {} } as ClosableLogger; },
    logger: new SwitchableLogger({ ...mem, close() {} }),
    engineFactory: (_c, deps) => { r.deps = deps; return engine; },
    clock: manualClock(),
    execute: async (names, action) => { exec.push([[...names], action]); return names.map(() => 0); },
    host,
    pidFile: join(dir, 'ldirectord.www.pid'),
    ready: (x) => ready.push(x),
    watch: () => {
      const w = Object.assign(new EventEmitter(), { closed: false, close: async () => { w.closed = true; } });
      watchers.push(w);
      return w;
    },
  };
  return r;
}

test('start: pid file, engine start, execute= start, then ready; TERM: stop in order, pid file gone, exit 0', async () => {
  const r = rig({ execute: ['other'] });
  try {
    await runDaemon(r.opts);
    assert.equal(readFileSync(r.opts.pidFile!, 'utf8'), '4242\n');
    assert.deepEqual(r.engine.calls, ['start']);
    assert.deepEqual(r.exec, [[['other'], 'start']]);
    assert.deepEqual(r.ready, [{ ok: true, pid: 4242 }]);
    r.host.signal('SIGTERM');
    await settle();
    assert.deepEqual(r.engine.calls, ['start', 'stop']);
    assert.deepEqual(r.exec[1], [['other'], 'stop']);
    assert.ok(r.mem.lines.includes('info: Linux Director Daemon terminated on signal: TERM'));
    assert.ok(!existsSync(r.opts.pidFile!));
    assert.deepEqual(r.host.exits, [0]);
  } finally { rmSync(r.dir, { recursive: true, force: true }); }
});

test('a stop signal halts the checks at once, before the first await of the stop (a starved daemon must still stop)', async () => {
  const engine = Object.assign(recordingEngine(), { halt() { engine.calls.push('halt'); } });
  const r = rig({ engine, execute: ['other'] });
  try {
    await runDaemon(r.opts);
    r.host.signal('SIGTERM');
    // Synchronously: no turn of the event loop has passed, and the watcher and execute= stops come later.
    assert.deepEqual(r.engine.calls, ['start', 'halt']);
    assert.equal(r.exec.length, 1);
    await settle();
    assert.deepEqual(r.engine.calls, ['start', 'halt', 'stop']);
    assert.deepEqual(r.host.exits, [0]);
  } finally { rmSync(r.dir, { recursive: true, force: true }); }
});

test('a second stop signal while stopping is ignored (no crash, one stop, one exit)', async () => {
  const r = rig();
  try {
    await runDaemon(r.opts);
    r.host.signal('SIGINT');
    r.host.signal('SIGTERM');
    r.host.signal('SIGQUIT');
    await settle();
    assert.deepEqual(r.engine.calls, ['start', 'stop']);
    assert.deepEqual(r.host.exits, [0]);
    assert.ok(r.mem.lines.includes('info: Linux Director Daemon terminated on signal: INT'));
  } finally { rmSync(r.dir, { recursive: true, force: true }); }
});

test('HUP with a broken file logs every diagnostic and keeps the config; a later valid one reloads', async () => {
  const file = '/etc/ha.d/www';
  const next = config(file, { logfile: '/tmp/other.log' });
  const broken: LoadResult = {
    ok: false,
    diagnostics: [
      { severity: 'error', file, line: 3, directive: 'checkport', message: 'bad port' },
      { severity: 'error', file, line: 9, directive: '', message: 'unknown directive' },
    ],
  };
  const r = rig({ results: [broken, { ok: true, config: next, warnings: [] }] });
  try {
    await runDaemon(r.opts);
    r.host.signal('SIGHUP');
    // The HUP path reads the file first (an fs call): wait for the outcome, not a number of ticks.
    await waitFor(() => r.mem.lines.some((l) => /keeping the running configuration/.test(l)));
    assert.deepEqual(r.engine.calls, ['start'], 'engine not reloaded');
    assert.ok(r.mem.lines.includes(`error: ${file}:3: error: checkport: bad port`));
    assert.ok(r.mem.lines.includes(`error: ${file}:9: error: unknown directive`));
    assert.ok(r.mem.lines.some((l) => /keeping the running configuration/.test(l)));
    assert.deepEqual(r.host.exits, []);
    r.host.signal('SIGHUP');
    await waitFor(() => r.engine.calls.length === 2);
    assert.deepEqual(r.engine.calls, ['start', 'reload']);
    assert.equal(r.engine.configs[0], next);
    assert.deepEqual(r.opened, ['/tmp/other.log'], 'a changed logfile= is reopened');
  } finally { rmSync(r.dir, { recursive: true, force: true }); }
});

test('an autoreload change reloads with the settled content, without the "on signal" line', async () => {
  const r = rig();
  const texts: (string | undefined)[] = [];
  const load = r.opts.loadConfig;
  try {
    await runDaemon({
      ...r.opts,
      config: { ...r.opts.config, global: { ...r.opts.config.global, autoreload: true } },
      readConfig: async () => ({ kind: 'content', content: Buffer.from('checkinterval=7\n') }),
      loadConfig: (file, o) => { texts.push(o.text); return load(file, o); },
    });
    const [w] = r.watchers;
    assert.ok(w, 'the watcher starts once the daemon is up');
    await settle();
    w.emit('ready');
    await waitFor(() => r.engine.calls.length === 2);
    assert.deepEqual(r.engine.calls, ['start', 'reload'], r.mem.lines.join('\n'));
    assert.deepEqual(texts, ['checkinterval=7\n'], 'loaded from the content the watcher read, not read again');
    assert.ok(!r.mem.lines.some((l) => /on signal/.test(l)));
    w.emit('change');
    await settle();
    assert.deepEqual(r.engine.calls, ['start', 'reload'], 'the same content is not reloaded twice');
  } finally { rmSync(r.dir, { recursive: true, force: true }); }
});

test('engine start failure: reported to the parent, engine cleaned up, pid file removed, exit 1', async () => {
  const r = rig({ engine: recordingEngine({ failStart: 'IPVS unavailable' }) });
  try {
    await runDaemon(r.opts);
    assert.deepEqual(r.ready, [{ ok: false, message: 'IPVS unavailable' }]);
    assert.deepEqual(r.engine.calls, ['start', 'stop']);
    assert.ok(!existsSync(r.opts.pidFile!));
    assert.deepEqual(r.host.exits, [1]);
    assert.ok(r.mem.lines.includes('error: Exiting with exit_status 1: IPVS unavailable'));
  } finally { rmSync(r.dir, { recursive: true, force: true }); }
});

test('a pid file held by a running daemon: refused before the engine is touched (its LVS is not ours)', async () => {
  const r = rig();
  // A live process whose command line mentions ldirectord stands in for the other daemon.
  const other = spawn(process.execPath, ['-e', 'setInterval(()=>{},1000)', 'fake-ldirectord'], { stdio: 'ignore' });
  try {
    await waitFor(() => { try { return readFileSync(`/proc/${other.pid}/cmdline`, 'latin1').includes('ldirectord'); } catch { return false; } });
    writeFileSync(r.opts.pidFile!, `${other.pid}\n`);
    await runDaemon(r.opts);
    assert.equal(r.ready.length, 1);
    assert.equal(r.ready[0]!.ok, false);
    assert.match((r.ready[0] as { message: string }).message, new RegExp(`already running with pid ${other.pid}`));
    assert.deepEqual(r.engine.calls, [], 'engine neither started nor stopped');
    assert.equal(readFileSync(r.opts.pidFile!, 'utf8'), `${other.pid}\n`, 'the other pid file is kept');
    assert.deepEqual(r.host.exits, [1]);
  } finally {
    other.kill('SIGKILL');
    rmSync(r.dir, { recursive: true, force: true });
  }
});

test('an unparsable pid file is stale and replaced', async () => {
  const r = rig();
  try {
    writeFileSync(r.opts.pidFile!, 'not-a-pid\n');
    await runDaemon(r.opts);
    assert.deepEqual(r.ready, [{ ok: true, pid: 4242 }]);
    assert.equal(readFileSync(r.opts.pidFile!, 'utf8'), '4242\n');
    r.host.signal('SIGTERM');
    await settle();
  } finally { rmSync(r.dir, { recursive: true, force: true }); }
});

test('a stop signal during startup waits for the engine to be up, tells start it was stopped, then stops it', async () => {
  let release!: () => void;
  const gate = new Promise<void>((res) => { release = res; });
  const r = rig({ engine: recordingEngine({ gate }) });
  try {
    const running = runDaemon(r.opts);
    await settle();
    r.host.signal('SIGTERM');
    r.host.signal('SIGHUP');
    await settle();
    assert.deepEqual(r.host.exits, []);
    release();
    await running;
    await settle();
    assert.deepEqual(r.engine.calls, ['start', 'stop']);
    assert.deepEqual(r.host.exits, [0]);
    // `start` exits 1 on this report (docs/cli.md, "Stop during start"): the daemon was never up.
    assert.deepEqual(r.ready, [{ ok: false, message: 'ldirectord was stopped during startup (signal TERM)' }]);
  } finally { rmSync(r.dir, { recursive: true, force: true }); }
});

test('a failing execute= runner never skips the engine stop (cleanstop) nor crashes the stop', async () => {
  const r = rig({ execute: ['other'] });
  try {
    await runDaemon({ ...r.opts, execute: async (_n, action) => { if (action === 'stop') throw new Error('spawn ENOMEM'); return [0]; } });
    let unhandled: unknown;
    const onUnhandled = (e: unknown): void => { unhandled = e; };
    process.on('unhandledRejection', onUnhandled);
    try {
      r.host.signal('SIGTERM');
      await settle();
    } finally { process.off('unhandledRejection', onUnhandled); }
    assert.equal(unhandled, undefined, 'no unhandled rejection');
    assert.deepEqual(r.engine.calls, ['start', 'stop']);
    assert.deepEqual(r.host.exits, [0]);
    assert.ok(r.mem.lines.some((l) => l.startsWith('error: ') && l.includes('spawn ENOMEM')), r.mem.lines.join('\n'));
  } finally { rmSync(r.dir, { recursive: true, force: true }); }
});

test('the watcher starts only once the daemon is up, and a stop closes it', async () => {
  let release!: () => void;
  const gate = new Promise<void>((res) => { release = res; });
  const r = rig({ engine: recordingEngine({ gate }) });
  try {
    const running = runDaemon(r.opts);
    await settle();
    assert.equal(r.watchers.length, 0, 'no watcher while the engine starts');
    release();
    await running;
    assert.equal(r.watchers.length, 1);
    r.host.signal('SIGTERM');
    await settle();
    assert.deepEqual(r.host.exits, [0]);
    assert.equal(r.watchers[0]!.closed, true);
  } finally { rmSync(r.dir, { recursive: true, force: true }); }
});
