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
 */
import { formatDiagnostic, type Config, type LoadResult } from '../config/model.js';
import type { Clock, TimerHandle } from '../util/clock.js';
import type { EngineFactory } from './engine.js';
import { reconcileExecute, type ExecuteRunner } from './execute.js';
import type { ClosableLogger, SwitchableLogger } from './logger.js';
import { removePidFile, writePidFile } from './pidfile.js';

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
  readonly loadConfig: (file: string, opts: { name: string }) => Promise<LoadResult>;
  /** Opens the logger for a config (called again on reload when logfile= changed). */
  readonly openLogger: (config: Config) => Promise<ClosableLogger>;
  readonly logger: SwitchableLogger;
  readonly engineFactory: EngineFactory;
  readonly clock: Clock;
  readonly execute: ExecuteRunner;
  readonly host: DaemonHost;
  /** Absent in the foreground modes, which write no pid file (as the original). */
  readonly pidFile?: string;
  readonly ready?: (r: Readiness) => void;
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
  let reloadWhenUp = false;
  let chain: Promise<void> = Promise.resolve();
  let keepAlive: TimerHandle | undefined;

  // Autoreload (engine side) and HUP share one path: queued on the chain, never overlapping.
  const enqueueReload = (trigger: 'signal' | 'request'): Promise<void> => {
    // The watcher has already read the new file's content: a request during startup is kept for
    // later, or the change would never apply. (Not awaited: a failed start must not wait on it.)
    if (!started && !stopping && trigger === 'request') reloadWhenUp = true;
    if (stopping || !started) return Promise.resolve();
    chain = chain.then(() => { opts.onState?.('reloading'); return reload(trigger); })
      .catch((e) => logger.error(`Reload failed: ${errorText(e)}`))
      .finally(() => opts.onState?.('reloaded'));
    return chain;
  };
  const engine = opts.engineFactory(config, { logger, clock, requestReload: () => enqueueReload('request') });

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

  const reload = async (trigger: 'signal' | 'request'): Promise<void> => {
    // ldirectord L1150; an autoreload has already logged "Configuration file ... has changed".
    if (trigger === 'signal') logger.info('Reloading Linux Director Daemon config on signal');
    const result = await opts.loadConfig(config.file, { name: config.name });
    if (!result.ok) {
      for (const d of result.diagnostics) logger.error(formatDiagnostic(d));
      logger.error(`Reload of ${config.file} failed: keeping the running configuration`);
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

  const onStop = (sig: string): void => {
    if (stopping) {
      logger.debug(`Ignoring signal ${signalName(sig)}: already stopping`, 1);
      return;
    }
    stopping = true;
    // A stop requested during startup runs once the engine is up, so it can clean up.
    if (!started) { pendingStop = sig; return; }
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
    if (opts.pidFile) writePidFile(opts.pidFile, host.pid);
    engineTouched = true;
    await engine.start();
    await opts.execute(config.global.execute, 'start');
  } catch (e) {
    // Undo whatever part of the setup the engine did manage (never when the pid file was refused:
    // another daemon owns LVS then); a failure of that cleanup adds nothing to the report.
    if (engineTouched) await engine.stop().catch(() => {});
    opts.ready?.({ ok: false, message: errorText(e) });
    finish(1, errorText(e));
    return;
  }
  started = true;
  opts.ready?.({ ok: true, pid: host.pid });
  if (pendingStop) chain = chain.then(() => stop(pendingStop as string));
  else if (reloadWhenUp) void enqueueReload('request');
}
