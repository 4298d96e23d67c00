/**
 * Turns parsed arguments into an Invocation: the config located (§1.1) and loaded, the log
 * opened, the pid file named. This is where bug #7 is fixed: the original parsed the config
 * before every action and, on an error, deleted the running daemon's pid file. Here a broken
 * config stops only the actions that need it; `status` and `stop` go on from the pid file
 * (and never delete it), so the OCF agent still gets 0/1/3 and can stop the daemon.
 */
import { statSync } from 'node:fs';
import { basename } from 'node:path';
import { configError, formatDiagnostic, type Config, type LoadResult } from '../config/model.js';
import type { Clock } from '../util/clock.js';
import { isLdError } from '../util/errors.js';
import type { EngineFactory } from '../daemon/engine.js';
import type { StaleCleanup } from '../daemon/stale-stop.js';
import type { CommandSpec } from '../daemon/execute.js';
import { openLogger, silentLogger, stderrLogger, type ClosableLogger } from '../daemon/logger.js';
import { readSettled, SETTLE_DEFAULTS } from '../daemon/config-file.js';
import { pidFilePath } from '../daemon/pidfile.js';
import type { RunArgs } from './args.js';
import type { ConfigApi } from './config-api.js';
import { settingsFrom, type Settings } from './settings.js';

/** CliIo: the process streams, injected. */
export interface CliIo {
  readonly stdout: (s: string) => void;
  readonly stderr: (s: string) => void;
}

/** CliDeps are the composition root's handles (main.ts builds the real ones). */
export interface CliDeps {
  readonly io: CliIo;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  readonly clock: Clock;
  readonly pid: number;
  readonly configApi: ConfigApi;
  readonly engineFactory: EngineFactory;
  /** Removes what a config owns in IPVS after its daemon died (stop with a stale pid file); absent: nothing to clean. */
  readonly staleCleanup?: (config: Config) => Promise<StaleCleanup>;
  /** How to run ourselves again (daemon child, execute= instances). */
  readonly command: Omit<CommandSpec, 'stdio' | 'timeoutMs' | 'env'>;
  /** The raw arguments after the program name (passed unchanged to the daemon child). */
  readonly rawArgs: readonly string[];
}

/** Invocation is one CLI run with everything resolved. */
export interface Invocation {
  readonly args: RunArgs;
  readonly deps: CliDeps;
  readonly settings: Settings;
  /** The config argument (`ldirectord.cf` in the one-argument form). */
  readonly configArg: string;
  /** CFGNAME (§1.1): basename of the argument, or `ldirectord` in the one-argument form. */
  readonly name: string;
  /** Absolute path of the config file found. */
  readonly configPath: string;
  /** Undefined when the file has errors (only status/stop get this far then). */
  readonly config?: Config;
  readonly logger: ClosableLogger;
  readonly pidFile: string;
  /** -d or supervised=yes: the daemon runs in this process, with no pid file. */
  readonly foreground: boolean;
}

/** PrepareResult: an invocation, or the exit code to leave with. */
export type PrepareResult = { readonly ok: true; readonly inv: Invocation } | { readonly ok: false; readonly code: number };

/** ACTIONS_WITHOUT_CONFIG can run from the pid file alone when the config is broken. */
const ACTIONS_WITHOUT_CONFIG = new Set(['status', 'stop', 'show', 'drain', 'enable']);

/**
 * SETTLED_ACTIONS read the config the way the daemon's HUP does (daemon/config-file.ts): once
 * no process writes it and it has been quiet for a second. `sed -i ... && ldirectord www reload`,
 * or a reload typed while a script still writes the file, otherwise validates a torn file and
 * refuses the reload with a config error the file does not have.
 */
const SETTLED_ACTIONS = new Set(['reload', 'force-reload']);

/** readableByOthers: mode o+r, so the loader warns about the secrets in it (false if unknown). */
export function readableByOthers(file: string): boolean {
  try { return (statSync(file).mode & 0o004) !== 0; } catch { return false; }
}

/** load reads the config: settled for the actions that hand it to a running daemon. */
async function load(action: string, configPath: string, name: string, deps: CliDeps): Promise<LoadResult> {
  if (SETTLED_ACTIONS.has(action)) {
    const r = await readSettled(configPath, { clock: deps.clock });
    if (r.kind === 'content') {
      return deps.configApi.loadConfigText(r.content.toString('utf8'), configPath, { name, readableByOthers: readableByOthers(configPath) });
    }
    if (r.kind === 'unsettled') {
      return { ok: false, diagnostics: [{ severity: 'error', file: configPath, line: 0, directive: '', message: `the file did not stop changing for ${SETTLE_DEFAULTS.giveUpMs / 1000} s` }] };
    }
    // missing: the loader's own read reports it the usual way.
  }
  return deps.configApi.loadConfig(configPath, { name });
}

/**
 * prepare locates and loads the config and opens the log, reporting failures as exit codes.
 * `beforeLoad` gets the pid file's path before the config is read (`start` claims it then).
 */
export async function prepare(args: RunArgs, deps: CliDeps, beforeLoad?: (pidFile: string) => void): Promise<PrepareResult> {
  const { io } = deps;
  const settings = settingsFrom(args, deps.env);
  const configArg = args.config ?? 'ldirectord.cf';
  const name = args.config === undefined ? 'ldirectord' : basename(args.config);
  const configPath = deps.configApi.resolveConfigPath(configArg, { confDirs: settings.confDirs, cwd: deps.cwd });
  if (configPath === undefined) {
    io.stderr(`Config file ${configArg} not found\n`);
    return { ok: false, code: 1 };
  }
  const pidFile = pidFilePath(settings.pidDir, name);
  beforeLoad?.(pidFile);
  const result = await load(args.action, configPath, name, deps);
  let config: Config | undefined;
  if (result.ok) {
    config = result.config;
    if (args.action !== 'status' && args.action !== 'stop') {
      for (const w of result.warnings) io.stderr(`${formatDiagnostic(w)}\n`);
    }
  } else {
    io.stderr(`${configError(result.diagnostics).message}\n`);
    if (!ACTIONS_WITHOUT_CONFIG.has(args.action)) return { ok: false, code: 2 };
    io.stderr(`Config file ${configPath} has errors: ${args.action} goes on from the pid file alone\n`);
  }

  const foreground = args.debug || (config?.global.supervised ?? false);
  let logger: ClosableLogger;
  if (!config || args.action === 'configtest') {
    logger = args.debug ? stderrLogger(io.stderr) : silentLogger();
  } else {
    try {
      logger = await openLogger({
        debug: args.debug, supervised: config.global.supervised, logfile: config.global.logfile, name,
        pid: deps.pid, clock: deps.clock, syslogSocket: settings.syslogSocket, stdout: io.stdout, stderr: io.stderr,
      });
    } catch (e) {
      if (!isLdError(e, 'LD_ERR_LOGFILE')) throw e;
      io.stderr(`${e.message}\n`);
      // Starting a daemon that cannot log is refused; the other actions still do their job.
      if (args.action === 'start' || args.action === 'restart' || args.action === 'try-restart') return { ok: false, code: 1 };
      logger = silentLogger();
    }
  }
  const inv: Invocation = {
    args, deps, settings, configArg, name, configPath, config, logger, foreground,
    pidFile,
  };
  return { ok: true, inv };
}
