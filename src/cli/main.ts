#!/usr/bin/env node
/**
 * The `ldirectord` command: the composition root. It is the only place that picks the real
 * clock, the config loader, the engine and the process streams; everything below gets them passed.
 */
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig, loadConfigText, resolveConfigPath, summarize } from '../config/index.js';
import { idleEngineFactory, lazyEngineFactory, type EngineFactory } from '../daemon/engine.js';
import { systemClock } from '../util/clock.js';
import { runCli } from './run.js';

/**
 * scriptPath is how the daemon and execute= instances re-run us. It must contain "ldirectord"
 * (stale-pid check, pgrep): when run as dist/src/cli/main.js, use the bin/ldirectord wrapper.
 */
function scriptPath(): string {
  const argv1 = process.argv[1] ?? '';
  // The file name, not the directory: a checkout under /src/ldirectord/ does not make main.js one.
  if (basename(argv1).includes('ldirectord')) return argv1;
  const wrapper = fileURLToPath(new URL('../../../bin/ldirectord', import.meta.url));
  return existsSync(wrapper) ? wrapper : argv1;
}

/**
 * The engine the daemon drives. LDIRECTORD_ENGINE=idle forces the idle engine (the CLI and
 * daemon tests use it: they exercise the lifecycle, not IPVS); =memory the real engine over an
 * in-memory IPVS table; `stuck` an engine whose start never finishes (the test of the bounded
 * `start`).
 */
function engineFactory(env: NodeJS.ProcessEnv): EngineFactory {
  if (env.LDIRECTORD_ENGINE === 'idle') return idleEngineFactory;
  if (env.LDIRECTORD_ENGINE === 'stuck') return () => ({ start: () => new Promise(() => {}), reload: async () => {}, stop: async () => {} });
  // The real director and checks over an in-memory IPVS table: the daemon tests of show, drain
  // and metrics on machines without ip_vs (the kernel lab runs the same against the kernel).
  if (env.LDIRECTORD_ENGINE === 'memory') {
    return lazyEngineFactory(async () => {
      const [{ directorEngineFactory }, { MemoryIpvs }] = await Promise.all([import('../daemon/director-engine.js'), import('../ipvs/memory.js')]);
      return directorEngineFactory(async () => new MemoryIpvs());
    });
  }
  return lazyEngineFactory(async () => (await import('../daemon/director-engine.js')).directorEngineFactory());
}

// A closed stdout/stderr (a supervisor's log pipe gone) must not kill the daemon: the original
// ignores SIGPIPE and its failed prints are silent (L973); Node would raise an 'error' event.
process.stdout.on('error', () => {});
process.stderr.on('error', () => {});

const outcome = await runCli({
  io: {
    stdout: (s) => { process.stdout.write(s); },
    stderr: (s) => { process.stderr.write(s); },
  },
  env: process.env,
  cwd: process.cwd(),
  clock: systemClock(),
  pid: process.pid,
  configApi: { loadConfig, loadConfigText, resolveConfigPath, summarize },
  engineFactory: engineFactory(process.env),
  // The test engines (LDIRECTORD_ENGINE) touch no IPVS, so neither does the stale-pid cleanup then.
  ...(process.env.LDIRECTORD_ENGINE ? {} : { staleCleanup: async (c) => (await import('../daemon/stale-stop.js')).cleanupAfterDeadDaemon(c) }),
  command: { execPath: process.execPath, execArgv: process.execArgv, script: scriptPath() },
  rawArgs: process.argv.slice(2),
});
// Exit once stdout and stderr are flushed: on a pipe the writes are asynchronous, and an
// immediate exit cut a long configtest summary (200,000 reals) short.
if (outcome !== 'foreground') {
  process.stdout.write('', () => process.stderr.write('', () => process.exit(outcome)));
}
