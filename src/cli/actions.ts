/**
 * The action matrix (reference §1.2, ldirectord L1023-1098), keyed on the pid file's state.
 * Deliberate differences from the original (docs/cli.md):
 *  - `stop` waits (bounded) until the daemon has cleaned up and exited; a stuck daemon is exit 1;
 *  - `restart`/`try-restart` wait with the same bound instead of polling forever;
 *  - a symlinked pid file is refused (exit 1), never followed;
 *  - `configtest` is new.
 */
import { executeRunner } from '../daemon/execute.js';
import { probePidFile, type PidState } from '../daemon/pidfile.js';
import { waitForExit } from '../daemon/proc.js';
import { isLdError } from '../util/errors.js';
import type { Invocation } from './invocation.js';
import type { StartClaim } from './start-claim.js';
import { startDaemon, type StartOutcome } from './start.js';

/** ActionOutcome: an exit code, or 'foreground' when this process has become the daemon. */
export type ActionOutcome = number | 'foreground';

/** exit logs as ld_exit does (L5121): non-zero codes leave "Exiting with exit_status N: msg". */
function exit(inv: Invocation, code: number, message: string): number {
  if (code !== 0) inv.logger.error(`Exiting with exit_status ${code}: ${message}`);
  return code;
}

function probe(inv: Invocation): PidState | number {
  try {
    const state = probePidFile(inv.pidFile);
    if (state.kind !== 'symlink') return state;
    inv.deps.io.stderr(`Refusing to use pid file ${inv.pidFile}: it is a symbolic link\n`);
    return exit(inv, 1, `pid file ${inv.pidFile} is a symbolic link`);
  } catch (e) {
    if (!isLdError(e)) throw e;
    inv.deps.io.stderr(`${e.message}\n`);
    return exit(inv, 1, e.message);
  }
}

/** signal sends `sig`; true if sent or the process is already gone (ESRCH), false on EPERM etc. */
function signal(inv: Invocation, pid: number, sig: NodeJS.Signals): boolean {
  try {
    process.kill(pid, sig);
    return true;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ESRCH') return true; // gone between the probe and the kill
    inv.deps.io.stderr(`Can not send ${sig} to ldirectord (pid ${pid}): ${code ?? (e as Error).message}\n`);
    return false;
  }
}

/** terminateOne sends TERM and waits until the process is gone; false if it outlived the bound. */
async function terminateOne(inv: Invocation, pid: number): Promise<boolean> {
  if (!signal(inv, pid, 'SIGTERM')) return false;
  if (await waitForExit(pid, inv.settings.stopTimeoutMs, inv.deps.clock)) return true;
  const secs = inv.settings.stopTimeoutMs / 1000;
  inv.deps.io.stderr(`ldirectord for ${inv.configPath} (pid ${pid}) did not exit within ${secs} seconds of SIGTERM\n`);
  return false;
}

/**
 * terminate stops the daemon named by the pid file and, if the file then names another running
 * ldirectord, that one too. During startup the file names the `start` itself until the daemon it
 * spawned takes it over (start.ts): a stop that signalled the `start` just as the hand-over
 * happened must not leave the new daemon running. Bounded: a pid is never signalled twice.
 */
async function terminate(inv: Invocation, pid: number): Promise<boolean> {
  const done = new Set<number>();
  for (let next: number | undefined = pid; next !== undefined && !done.has(next);) {
    if (!(await terminateOne(inv, next))) return false;
    done.add(next);
    const state = probe(inv);
    next = typeof state !== 'number' && state.kind === 'running' ? state.pid : undefined;
  }
  return true;
}

function execute(inv: Invocation, stdio: 'inherit' | 'ignore') {
  return executeRunner({ ...inv.deps.command, env: inv.deps.env, stdio, timeoutMs: inv.settings.startTimeoutMs + 10_000 }, inv.logger);
}

async function start(inv: Invocation, claim?: StartClaim): Promise<ActionOutcome> {
  const outcome: StartOutcome = await startDaemon(inv, claim);
  if (outcome.kind === 'foreground') return 'foreground';
  if (outcome.kind === 'started') return 0;
  inv.deps.io.stderr(`${outcome.message}\n`);
  return exit(inv, 1, outcome.message);
}

/**
 * cleanAfterDeadDaemon: `stop` with a stale pid file removes the virtuals the dead daemon owned
 * (cleanstop rules), so a cluster manager's recovery leaves no stale entries. The pid file stays,
 * as in the original: only the daemon that wrote it removes it.
 */
async function cleanAfterDeadDaemon(inv: Invocation): Promise<number> {
  const { config } = inv;
  if (!config || !inv.deps.staleCleanup) return 0;
  const why = `stale pid file ${inv.pidFile}`;
  try {
    const r = await inv.deps.staleCleanup(config);
    for (const v of r.removed) inv.logger.info(`Purged virtual server (${why}): ${v}`);
    for (const f of r.failed) {
      inv.deps.io.stderr(`Can not remove virtual server ${f.virtual} (${why}): ${f.message}\n`);
      inv.logger.error(`Can not remove virtual server ${f.virtual} (${why}): ${f.message}`);
    }
    return r.failed.length ? exit(inv, 1, `Exiting from ldirectord stop: virtual servers left in the table`) : 0;
  } catch (e) {
    const message = `Can not clean up after the dead daemon (${why}): ${e instanceof Error ? e.message : String(e)}`;
    inv.deps.io.stderr(`${message}\n`);
    return exit(inv, 1, message);
  }
}

/**
 * runAction performs `inv.args.action` (configtest is handled before: it needs no pid file).
 * `claim`: the pid file `start` has held while it loaded the config (start-claim.ts).
 */
export async function runAction(inv: Invocation, claim?: StartClaim): Promise<ActionOutcome> {
  const { action } = inv.args;
  const { io } = inv.deps;
  const config = inv.configPath;
  const bye = `Exiting from ldirectord ${action}`;
  let state = probe(inv);
  if (typeof state === 'number') {
    claim?.release();
    return state;
  }
  // The file names this very `start`: it claimed the file while it loaded the config.
  if (state.kind === 'running' && state.pid === inv.deps.pid) state = { kind: 'absent' };
  if (state.kind === 'running') claim?.release();

  if (state.kind === 'running') {
    switch (action) {
      case 'start':
        return 0;
      case 'stop':
        return (await terminate(inv, state.pid)) ? 0 : exit(inv, 1, `${bye}: daemon did not exit`);
      case 'restart':
      case 'try-restart':
        if (!(await terminate(inv, state.pid))) return exit(inv, 1, `${bye}: daemon did not exit`);
        return start(inv);
      case 'reload':
      case 'force-reload':
        return signal(inv, state.pid, 'SIGHUP') ? 0 : exit(inv, 1, `${bye}: can not signal the daemon`);
      default: {
        const msg = `ldirectord for ${config} is running with pid: ${state.pid}`;
        io.stderr(`${msg}\n`);
        if (inv.config) await execute(inv, 'inherit')(inv.config.global.execute, 'status');
        inv.logger.info(msg);
        inv.logger.info(bye);
        return 0;
      }
    }
  }
  switch (action) {
    case 'start':
      return start(inv, claim);
    case 'restart':
      return start(inv);
    case 'stop':
      return state.kind === 'stale' ? cleanAfterDeadDaemon(inv) : 0;
    case 'try-restart':
      return 0;
    case 'status': {
      let code = 3;
      if (state.kind === 'stale') {
        const msg = `ldirectord stale pid file ${inv.pidFile} for ${config}`;
        io.stderr(`${msg}\n`);
        inv.logger.info(msg);
        code = 1;
      }
      io.stdout(`ldirectord is stopped for ${config}\n`);
      return exit(inv, code, bye);
    }
    default: {
      const msg = `ldirectord is stopped for ${config}`;
      io.stderr(`${msg}\n`);
      inv.logger.info(msg);
      return exit(inv, 1, bye);
    }
  }
}
