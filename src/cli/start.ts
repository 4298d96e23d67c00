/**
 * `start`: either become the daemon in this process (-d, supervised=yes, the main process of a
 * systemd Type=notify unit), or spawn the detached daemon and wait (bounded) for it to report
 * that it is up.
 *
 * The detached child is `node <script> <the same arguments>` with setsid (detached: true),
 * cwd "/" and stdio on /dev/null, so its /proc/<pid>/cmdline reads `... ldirectord <config> start`
 * exactly as the user typed it (the OCF agent pgreps for that). The resolved absolute config path
 * travels in the environment, so the daemon's chdir("/") cannot break later reloads (the
 * original's relative-path quirk, §1.1). Fd 3 is a pipe used once: the child writes one JSON
 * line (ready, or the startup error) and closes it; `start` exits 0 only on "ready".
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { Config } from '../config/model.js';
import type { TimerHandle } from '../util/clock.js';
import { runDaemon, type DaemonHost, type DaemonOptions, type Readiness } from '../daemon/daemon.js';
import { executeRunner } from '../daemon/execute.js';
import { openLogger, SwitchableLogger, type ClosableLogger } from '../daemon/logger.js';
import { removePidFile, writePidFile } from '../daemon/pidfile.js';
import { openSystemdNotifier, systemdNotifySocket, type SystemdNotifier } from '../daemon/sd-notify.js';
import { daemonExecArgv } from './daemon-flags.js';
import { StartClaim } from './start-claim.js';
import { readableByOthers, type CliDeps, type Invocation } from './invocation.js';
import { CHILD_ENV, READY_FD, type Settings } from './settings.js';
import { ORIGINAL_VERSION } from './usage.js';

/** STOP_GRACE_MS: how long a daemon that missed the start bound gets to stop before SIGKILL. */
const STOP_GRACE_MS = 5000;

/** StartOutcome: this process became the daemon, a detached one is up, or starting failed. */
export type StartOutcome =
  | { readonly kind: 'foreground' }
  | { readonly kind: 'started'; readonly pid: number }
  | { readonly kind: 'failed'; readonly message: string };

/** processHost is the real process as a DaemonHost. */
export function processHost(): DaemonHost {
  return {
    pid: process.pid,
    on: (sig, fn) => { process.on(sig as NodeJS.Signals, fn); },
    exit: (code) => process.exit(code),
  };
}

/** loggerOpener opens the logger a (re)loaded config asks for, with this invocation's mode. */
export function loggerOpener(deps: CliDeps, settings: Settings, debug: boolean, name: string) {
  return (config: Config): Promise<ClosableLogger> => openLogger({
    debug, supervised: config.global.supervised, logfile: config.global.logfile, name, pid: deps.pid,
    clock: deps.clock, syslogSocket: settings.syslogSocket, stdout: deps.io.stdout, stderr: deps.io.stderr, batch: true,
  });
}

/** guardCrashes logs an unexpected error, drops our pid file and exits 1 (never a silent death). */
export function guardCrashes(logger: ClosableLogger, pidFile: string | undefined, pid: number): void {
  const die = (e: unknown): void => {
    logger.error(`Linux Director Daemon crashed: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
    if (pidFile) removePidFile(pidFile, pid);
    logger.error('Exiting with exit_status 1: crashed');
    // The file logger writes a turn's lines after the turn: close() writes them now.
    logger.close();
    process.exit(1);
  };
  process.on('uncaughtException', die);
  process.on('unhandledRejection', die);
}

/** DaemonRun is what differs between the ways this process becomes the daemon. */
interface DaemonRun {
  readonly config: Config;
  readonly openLogger: (config: Config) => Promise<ClosableLogger>;
  readonly logger: SwitchableLogger;
  /** stdio of the execute= instances: 'inherit' in the foreground, 'ignore' when detached. */
  readonly stdio: 'inherit' | 'ignore';
  /** Absent in the foreground, which writes no pid file. */
  readonly pidFile?: string;
  readonly pidFileFrom?: number;
  readonly ready?: (r: Readiness) => void;
  readonly onState?: DaemonOptions['onState'];
}

/**
 * runAsDaemon makes this process the daemon (foreground, detached child, or under systemd) with
 * the handles every path shares; resolves once it is up or has exited on a startup error.
 */
export function runAsDaemon(deps: CliDeps, settings: Settings, run: DaemonRun): Promise<void> {
  guardCrashes(run.logger, run.pidFile, deps.pid);
  return runDaemon({
    config: run.config,
    loadConfig: (file, o) => (o.text !== undefined
      ? deps.configApi.loadConfigText(o.text, file, { ...o, readableByOthers: readableByOthers(file) })
      : deps.configApi.loadConfig(file, o)),
    openLogger: run.openLogger,
    logger: run.logger,
    engineFactory: deps.engineFactory,
    clock: deps.clock,
    execute: executeRunner({ ...deps.command, env: deps.env, stdio: run.stdio, timeoutMs: settings.startTimeoutMs + 10_000 }, run.logger),
    host: processHost(),
    runDir: settings.pidDir,
    ...(run.pidFile !== undefined ? { pidFile: run.pidFile } : {}),
    ...(run.pidFileFrom !== undefined ? { pidFileFrom: run.pidFileFrom } : {}),
    ...(run.ready ? { ready: run.ready } : {}),
    ...(run.onState ? { onState: run.onState } : {}),
  });
}

async function foreground(inv: Invocation, config: Config): Promise<StartOutcome> {
  const { deps } = inv;
  inv.logger.info(`Starting ${ORIGINAL_VERSION} with pid: ${deps.pid}`);
  await runAsDaemon(deps, inv.settings, {
    config, openLogger: loggerOpener(deps, inv.settings, inv.args.debug, inv.name), logger: new SwitchableLogger(inv.logger), stdio: 'inherit',
  });
  return { kind: 'foreground' };
}

function detached(inv: Invocation, claim: StartClaim): Promise<StartOutcome> {
  const { deps } = inv;
  inv.logger.info(`Starting ${ORIGINAL_VERSION} as daemon`);
  // Until the daemon takes it over (pidfile.ts), the pid file names this `start`: a `stop` that
  // comes while the daemon boots and loads its config signals us, and we pass it on. Without
  // this the stop found no pid file, said 0, and the daemon came up afterwards.
  // eslint-disable-next-line prefer-const -- the stop is forwarded from before the spawn
  let child: ChildProcess | undefined;
  claim.onStop(() => child?.kill('SIGTERM'));
  try {
    writePidFile(inv.pidFile, deps.pid);
  } catch (e) {
    claim.release();
    return Promise.resolve({ kind: 'failed', message: (e as Error).message });
  }
  const proc = spawn(deps.command.execPath, [...daemonExecArgv(deps.command.execArgv, deps.env), deps.command.script, ...deps.rawArgs], {
    detached: true,
    cwd: '/',
    stdio: ['ignore', 'ignore', 'ignore', 'pipe'],
    env: {
      ...deps.env, [CHILD_ENV.marker]: '1', [CHILD_ENV.config]: inv.configPath, [CHILD_ENV.args]: JSON.stringify(inv.args),
      [CHILD_ENV.parent]: String(deps.pid),
    },
  });
  child = proc;
  return new Promise((resolve) => {
    let text = '';
    let done = false;
    const settle = (o: StartOutcome): void => {
      if (done) return;
      done = true;
      deps.clock.clearTimeout(timer);
      if (killer) deps.clock.clearTimeout(killer);
      proc.stdio[READY_FD]?.destroy();
      const finish = (): void => {
        removePidFile(inv.pidFile, deps.pid); // only while it still names this `start`
        claim.release();
        proc.unref();
        const stopSig = claim.stopSignal;
        resolve(stopSig && o.kind === 'failed' ? stoppedDuringStartup(stopSig) : o);
      };
      // A stop that came through us returns when we exit: not before the daemon has cleaned up.
      if (claim.stopSignal && proc.exitCode === null && proc.signalCode === null) proc.once('exit', finish);
      else finish();
    };
    // A daemon that is not up in time is told to stop, and killed if it does not (a hung start
    // must leave no process behind); `start` then fails. A stale pid file it may leave is what
    // `status` reports and what `stop` cleans up after.
    let killer: TimerHandle | undefined;
    const timer = deps.clock.setTimeout(() => {
      const message = `ldirectord daemon did not report readiness within ${inv.settings.startTimeoutMs / 1000} seconds`;
      proc.kill('SIGTERM');
      killer = deps.clock.setTimeout(() => { proc.kill('SIGKILL'); settle({ kind: 'failed', message }); }, STOP_GRACE_MS);
      proc.once('exit', () => settle({ kind: 'failed', message }));
    }, inv.settings.startTimeoutMs);
    const pipe = proc.stdio[READY_FD];
    pipe?.on('data', (d: Buffer) => { text += d.toString(); });
    pipe?.on('error', () => {});
    pipe?.on('end', () => {
      const line = text.split('\n')[0] ?? '';
      try {
        const r = JSON.parse(line) as { ok: boolean; pid?: number; message?: string };
        if (r.ok) settle({ kind: 'started', pid: r.pid ?? proc.pid ?? 0 });
        else settle({ kind: 'failed', message: r.message ?? 'ldirectord daemon failed to start' });
      } catch {
        // No report: the child died before it could say anything; its exit status tells more.
        proc.once('exit', (code, sig) => settle({ kind: 'failed', message: `ldirectord daemon exited during startup (${sig ?? `exit ${code}`})` }));
        if (proc.exitCode !== null || proc.signalCode !== null) {
          settle({ kind: 'failed', message: `ldirectord daemon exited during startup (${proc.signalCode ?? `exit ${proc.exitCode}`})` });
        }
      }
    });
    proc.on('error', (e) => settle({ kind: 'failed', message: `Can not start ldirectord daemon: ${e.message}` }));
  });
}

/**
 * underSystemd: systemd started this process as the main process of a Type=notify unit
 * (packaging/systemd/). It stays in the foreground as the daemon, logging where the config says
 * and writing the pid file (so `status`, `stop` and the OCF agent see it), and tells systemd
 * READY=1 once the engine is up, i.e. the IPVS table is programmed; RELOADING=1/READY=1 around a
 * reload and STOPPING=1 when it stops. A failed start exits 1, which systemd reports.
 */
async function underSystemd(inv: Invocation, config: Config, socketPath: string): Promise<StartOutcome> {
  const { deps } = inv;
  // Not inherited by the execute= instances: they are commands of their own, not the unit.
  delete deps.env.NOTIFY_SOCKET;
  delete deps.env.SYSTEMD_EXEC_PID;
  inv.logger.info(`Starting ${ORIGINAL_VERSION} with pid: ${deps.pid}`);
  process.chdir('/');
  const open = loggerOpener(deps, inv.settings, false, inv.name);
  let logger: SwitchableLogger;
  let notifier: SystemdNotifier;
  try {
    logger = new SwitchableLogger(await open(config));
    notifier = await openSystemdNotifier(socketPath, (m) => logger.warn(m));
  } catch (e) {
    return { kind: 'failed', message: (e as Error).message };
  }
  await runAsDaemon(deps, inv.settings, {
    config,
    openLogger: open,
    logger,
    stdio: 'inherit',
    pidFile: inv.pidFile,
    ready: (r) => {
      if (r.ok) notifier.notify(`READY=1\nMAINPID=${deps.pid}\nSTATUS=IPVS table programmed for ${config.file}`);
      else notifier.notify(`STATUS=start failed: ${r.message.split('\n')[0]}`);
    },
    onState: (state) => {
      if (state === 'stopping') notifier.notify('STOPPING=1');
      else if (state === 'reloading') notifier.notify('RELOADING=1');
      else notifier.notify('READY=1');
    },
  });
  return { kind: 'foreground' };
}

function stoppedDuringStartup(sig: NodeJS.Signals): StartOutcome {
  return { kind: 'failed', message: `ldirectord was stopped during startup (signal ${sig.slice(3)})` };
}

/**
 * startDaemon starts the daemon for a valid config (the caller checked it is not running).
 * `claim` is the pid file and stop signals this `start` has held since before it loaded the
 * config (start-claim.ts); `restart` comes without one.
 */
export function startDaemon(inv: Invocation, claim: StartClaim = new StartClaim(inv.pidFile, inv.deps.pid)): Promise<StartOutcome> {
  const config = inv.config;
  const stopSig = claim.stopSignal;
  const notifySocket = systemdNotifySocket(inv.deps.env, inv.deps.pid);
  // Only the detached path hands the claim on (to the daemon); every other path ends it here.
  if (!config || stopSig || inv.foreground || notifySocket) claim.release();
  if (!config) return Promise.resolve({ kind: 'failed', message: 'no valid configuration' });
  if (stopSig) return Promise.resolve(stoppedDuringStartup(stopSig));
  if (inv.foreground) return foreground(inv, config);
  return notifySocket ? underSystemd(inv, config, notifySocket) : detached(inv, claim);
}
