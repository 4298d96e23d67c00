/**
 * The detached daemon child's side of `start`: load the config from the absolute path the parent
 * resolved, open the log, run the daemon with a pid file, and report readiness on fd 3.
 */
import { closeSync, writeSync } from 'node:fs';
import { basename } from 'node:path';
import { configError } from '../config/model.js';
import type { Readiness } from '../daemon/daemon.js';
import { SwitchableLogger } from '../daemon/logger.js';
import { pidFilePath } from '../daemon/pidfile.js';
import { parseArgs, type RunArgs } from './args.js';
import type { CliDeps } from './invocation.js';
import { CHILD_ENV, READY_FD, settingsFrom } from './settings.js';
import { loggerOpener, runAsDaemon } from './start.js';

/** passedArgs reads the RunArgs the parent `start` parsed (undefined: parse argv instead). */
function passedArgs(json: string | undefined): RunArgs | undefined {
  if (!json) return undefined;
  try {
    const a = JSON.parse(json) as RunArgs;
    return a && a.kind === 'run' && typeof a.action === 'string' ? a : undefined;
  } catch {
    return undefined;
  }
}

/** isDaemonChild tells whether this process is the detached child of a `start`. */
export function isDaemonChild(env: NodeJS.ProcessEnv): boolean {
  return env[CHILD_ENV.marker] === '1';
}

function report(r: Readiness): void {
  try {
    writeSync(READY_FD, `${JSON.stringify(r)}\n`);
  } catch {
    // The parent gave up (start timeout) and closed its end; nothing left to tell.
  }
  try {
    closeSync(READY_FD);
  } catch {
    // already closed
  }
}

/**
 * runDaemonChild runs the daemon; on a startup failure it reports and exits non-zero. Anything
 * thrown before readiness (a bug, a rejected promise) is reported to the waiting `start` with its
 * message instead of surfacing there as a bare "exited during startup".
 */
export async function runDaemonChild(deps: CliDeps): Promise<void> {
  try {
    await startChild(deps);
  } catch (e) {
    report({ ok: false, message: `daemon startup failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}` });
    process.exit(1);
  }
}

async function startChild(deps: CliDeps): Promise<void> {
  const configPath = deps.env[CHILD_ENV.config] ?? '';
  // Not inherited by the execute= instances we start: they are CLI runs of their own.
  delete deps.env[CHILD_ENV.marker];
  delete deps.env[CHILD_ENV.config];
  const passed = deps.env[CHILD_ENV.args];
  delete deps.env[CHILD_ENV.args];
  const parent = Number(deps.env[CHILD_ENV.parent]);
  delete deps.env[CHILD_ENV.parent];
  const fail = (message: string, code: number): void => {
    report({ ok: false, message });
    process.exit(code);
  };
  const args = passedArgs(passed) ?? await parseArgs(deps.rawArgs);
  if (args.kind !== 'run') return fail('daemon child started with unusable arguments', 1);
  const settings = settingsFrom(args, deps.env);
  const name = args.config === undefined ? 'ldirectord' : basename(args.config);

  const result = await deps.configApi.loadConfig(configPath, { name });
  if (!result.ok) return fail(configError(result.diagnostics).message, 2);
  const config = result.config;
  const open = loggerOpener(deps, settings, false, name);
  let logger: SwitchableLogger;
  try {
    logger = new SwitchableLogger(await open(config));
  } catch (e) {
    return fail((e as Error).message, 1);
  }
  await runAsDaemon(deps, settings, {
    config, openLogger: open, logger, stdio: 'ignore', pidFile: pidFilePath(settings.pidDir, name), ready: report,
    ...(Number.isInteger(parent) && parent > 0 ? { pidFileFrom: parent } : {}),
  });
}
