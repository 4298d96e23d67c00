/**
 * The running daemon: one process, one config, one engine. Used both by the detached child that
 * `start` spawns (with a pid file) and in the foreground modes (-d, supervised=yes; no pid file).
 *
 * Signals (ldirectord L946-1181): TERM/INT/QUIT stop the engine, stop the execute= instances,
 * remove the pid file and exit 0; HUP re-reads the config file and reloads the engine, or logs
 * every diagnostic and keeps the running config (the original half-applied a broken config:
 * bug #8). Signals are handled one at a time through a promise chain, so a stop never overlaps
 * a reload, and a second stop signal while stopping is ignored instead of dying as the original
 * did ("Exit Handler Repeatedly Called").
 *
 * Once up, the daemon watches its config file (autoreload.ts). Autoreload and HUP read the file
 * the same way, once it has settled (config-file.ts): an edit in progress is never loaded.
 */
import { formatDiagnostic, type Config, type LoadResult } from '../config/model.js';
import { spawnExec } from '../director/exec.js';
import type { Clock, TimerHandle } from '../util/clock.js';
import { watchConfig, type ConfigWatcher, type FileWatcher } from './autoreload.js';
import { readSettled, type ConfigRead } from './config-file.js';
import type { EngineFactory } from './engine.js';
import { reconcileExecute, type ExecuteRunner } from './execute.js';
import type { ClosableLogger, SwitchableLogger } from './logger.js';
import { removePidFile, writePidFile } from './pidfile.js';
import { runtimePaths } from './runtime-paths.js';

/** STOP_SIGNALS end the daemon; QUIT as the original (its ILL/SEGV/BUS/... cannot be caught in Node). */
export const STOP_SIGNALS = ['SIGTERM', 'SIGINT', 'SIGQUIT'] as const;

/** Readiness is what a detached daemon reports to the `start` that spawned it. */
export type Readiness = { readonly ok: true; readonly pid: number } | { readonly ok: false; readonly message: string };

/** DaemonHost is the process seen by the daemon (tests pass an EventEmitter-based fake). */
export interface DaemonHost {
  readonly pid: number;
  on(signal: string, fn: () => void): void;
  exit(code: number): void;
}

/** DaemonOptions: the loaded config and every handle the daemon uses. */
export interface DaemonOptions {
  readonly config: Config;
  /** Loads the config from `text` when given (the settled content), else reads `file` itself. */
  readonly loadConfig: (file: string, opts: { name: string; text?: string }) => Promise<LoadResult>;
  /** The settled read of the config file (default: readSettled with the daemon's clock). */
  readonly readConfig?: (file: string, signal: AbortSignal) => Promise<ConfigRead>;
  /** Runs the autoreload callback (argv); never rejects (default spawnExec). */
  readonly exec?: (argv: readonly string[]) => Promise<number>;
  /** The file watcher behind autoreload (default chokidar); tests pass a fake. */
  readonly watch?: (file: string, opts: object) => FileWatcher;
  /** Opens the logger for a config (called again on reload when logfile= changed). */
  readonly openLogger: (config: Config) => Promise<ClosableLogger>;
  readonly logger: SwitchableLogger;
  readonly engineFactory: EngineFactory;
  readonly clock: Clock;
  readonly execute: ExecuteRunner;
  readonly host: DaemonHost;
  /** Absent in the foreground modes, which write no pid file (as the original). */
  readonly pidFile?: string;
  /** The `start` that holds the pid file until this daemon takes it over (pidfile.ts). */
  readonly pidFileFrom?: number;
  readonly ready?: (r: Readiness) => void;
  /** The pid file's directory: the control socket and the drain state live there (runtime-paths.ts). */
  readonly runDir?: string;
  /** Told when a reload or the stop begins and when a reload is done (systemd's RELOADING/STOPPING/READY). */
  readonly onState?: (state: 'reloading' | 'reloaded' | 'stopping') => void;
}

/** signalName turns 'SIGTERM' into the original's 'TERM'. */
function signalName(sig: string): string {
  return sig.startsWith('SIG') ? sig.slice(3) : sig;
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** runDaemon starts the daemon and resolves once it is up (or has exited on a startup error). */
export async function runDaemon(opts: DaemonOptions): Promise<void> {
  const { logger, clock, host } = opts;
  let config = opts.config;
  let stopping = false;
  let started = false;
  let pendingStop: string | undefined;
  let chain: Promise<void> = Promise.resolve();
  let keepAlive: TimerHandle | undefined;
  let watcher: ConfigWatcher | undefined;
  // The content of the last reload: an autoreload of content a HUP has just loaded is skipped.
  let lastContent: Buffer | undefined;
  // Aborted on stop, so a settled read waiting for a writer never holds up the stop behind it.
  const stopSignal = new AbortController();
  const readConfig = opts.readConfig ?? ((file: string, signal: AbortSignal) => readSettled(file, { clock, signal }));

  // Autoreload and HUP share one path: queued on the chain, never overlapping.
  const enqueueReload = (trigger: 'signal' | 'request', content?: Buffer): Promise<void> => {
    if (stopping || !started) return Promise.resolve();
    chain = chain.then(() => { opts.onState?.('reloading'); return reload(trigger, content); })
      .catch((e) => logger.error(`Reload failed: ${errorText(e)}`))
      .finally(() => opts.onState?.('reloaded'));
    return chain;
  };
  const engine = opts.engineFactory(config, { logger, clock, ...(opts.runDir ? runtimePaths(opts.runDir, config.name) : {}) });

  const finish = (code: number, message: string): void => {
    if (keepAlive) clock.clearTimeout(keepAlive);
    if (opts.pidFile) removePidFile(opts.pidFile, host.pid);
    if (code !== 0) logger.error(`Exiting with exit_status ${code}: ${message}`);
    logger.close();
    host.exit(code);
  };

  const stop = async (sig: string): Promise<void> => {
    opts.onState?.('stopping');
    // Nothing may keep the engine from its cleanstop, nor reject the chain (that would crash).
    await watcher?.close().catch((e) => logger.error(`Error while closing the config watcher: ${errorText(e)}`));
    try {
      await opts.execute(config.global.execute, 'stop');
    } catch (e) {
      logger.error(`Error while stopping the execute= instances: ${errorText(e)}`);
    }
    try {
      await engine.stop();
    } catch (e) {
      logger.error(`Error while stopping: ${errorText(e)}`);
    }
    logger.info(`Linux Director Daemon terminated on signal: ${signalName(sig)}`);
    finish(0, '');
  };

  const reload = async (trigger: 'signal' | 'request', given?: Buffer): Promise<void> => {
    // ldirectord L1150; an autoreload has already logged "Configuration file ... has changed".
    if (trigger === 'signal') logger.info('Reloading Linux Director Daemon config on signal');
    let content = given;
    if (content === undefined) {
      const r = await readConfig(config.file, stopSignal.signal);
      if (r.kind === 'aborted') return;
      if (r.kind === 'unsettled') {
        logger.error(`Configuration file '${config.file}' did not stop changing: keeping the running configuration`);
        engine.reloadFailed?.();
        return;
      }
      // A missing file: the loader reports it (can not open file ...) in its usual words.
      if (r.kind === 'content') content = r.content;
    }
    if (content !== undefined) {
      if (trigger === 'request' && lastContent?.equals(content)) return;
      lastContent = content;
      watcher?.loaded(content);
      // A truncated file that was never rewritten (a full disk, `> file`) is not a config that
      // means "remove every virtual service": keep the running one (the original loaded it).
      if (content.length === 0) {
        logger.error(`Configuration file '${config.file}' is empty: keeping the running configuration`);
        engine.reloadFailed?.();
        return;
      }
    }
    const result = await opts.loadConfig(config.file, { name: config.name, ...(content !== undefined ? { text: content.toString('utf8') } : {}) });
    if (!result.ok) {
      for (const d of result.diagnostics) logger.error(formatDiagnostic(d));
      logger.error(`Reload of ${config.file} failed: keeping the running configuration`);
      engine.reloadFailed?.();
      return;
    }
    for (const w of result.warnings) logger.warn(formatDiagnostic(w));
    const next = result.config;
    if (next.global.logfile !== config.global.logfile) {
      try {
        logger.swap(await opts.openLogger(next));
      } catch (e) {
        logger.error(`${errorText(e)}: keeping the current log destination`);
      }
    }
    await reconcileExecute(opts.execute, config.global.execute, next.global.execute);
    try {
      await engine.reload(next);
      config = next;
    } catch (e) {
      logger.error(`Reload of ${next.file} failed in the engine: ${errorText(e)}`);
    }
  };

  // The watcher starts once the daemon is up; its first check (once chokidar is ready) catches
  // a change made between the load that started this daemon and the watch.
  const startWatcher = async (): Promise<void> => {
    try {
      const w = await watchConfig({
        file: config.file,
        logger,
        clock,
        autoreload: () => config.global.autoreload,
        callback: () => config.global.callback,
        reload: (content) => enqueueReload('request', content),
        read: (signal) => readConfig(config.file, signal),
        exec: opts.exec ?? spawnExec,
        ...(opts.watch ? { watch: opts.watch } : {}),
      });
      watcher = w;
      void w.ready.then(() => (stopping ? false : w.check())).catch((e: unknown) => {
        logger.error(`Can not watch configuration file '${config.file}': ${errorText(e)}`);
      });
    } catch (e) {
      logger.error(`Can not watch configuration file '${config.file}': ${errorText(e)}`);
    }
  };

  const onStop = (sig: string): void => {
    if (stopping) {
      logger.debug(`Ignoring signal ${signalName(sig)}: already stopping`, 1);
      return;
    }
    stopping = true;
    stopSignal.abort();
    // A stop requested during startup runs once the engine is up, so it can clean up.
    if (!started) { pendingStop = sig; return; }
    // No check starts from here on, before the first await of the stop (engine.ts, halt).
    engine.halt?.();
    chain = chain.then(() => stop(sig));
  };
  for (const sig of STOP_SIGNALS) host.on(sig, () => onStop(sig));
  host.on('SIGHUP', () => { void enqueueReload('signal'); });
  // ldirectord L973: PIPE ignored (Node already turns it into EPIPE errors; listening makes it explicit).
  host.on('SIGPIPE', () => {});

  // A timer keeps the event loop alive even when the engine holds no handle of its own.
  const arm = (): void => { keepAlive = clock.setTimeout(arm, 2 ** 30); };
  arm();

  let engineTouched = false;
  try {
    if (opts.pidFile) writePidFile(opts.pidFile, host.pid, undefined, opts.pidFileFrom);
    engineTouched = true;
    await engine.start();
    await opts.execute(config.global.execute, 'start');
  } catch (e) {
    // Undo whatever part of the setup the engine did manage (never when the pid file was refused:
    // another daemon owns LVS then); a failure of that cleanup adds nothing to the report.
    if (engineTouched) await engine.stop().catch(() => {});
    logger.flush?.();
    opts.ready?.({ ok: false, message: errorText(e) });
    finish(1, errorText(e));
    return;
  }
  started = true;
  // A stop that came during startup: the daemon is not up as far as `start` is concerned (it
  // exits 1, docs/cli.md); the engine is up, so the stop can clean up what it programmed.
  // What the start logged is in the file before `start` returns (its caller may read it).
  logger.flush?.();
  if (pendingStop) {
    opts.ready?.({ ok: false, message: `ldirectord was stopped during startup (signal ${signalName(pendingStop)})` });
    chain = chain.then(() => stop(pendingStop as string));
    return;
  }
  opts.ready?.({ ok: true, pid: host.pid });
  await startWatcher();
}
