/**
 * `execute=` (reference §4.12, ldirectord ld_cmd_children L2706-2720): every listed config is
 * another ldirectord instance, driven by running `ldirectord <name> <action>`. The original used
 * system("$LDIRECTORD $child $cmd") through a shell; this spawns our own CLI with an argv (no
 * shell, so a name with spaces or metacharacters is just a name).
 */
import { spawn } from 'node:child_process';
import type { Logger } from '../util/log.js';

/** ExecuteAction is what can be asked of an execute= instance. */
export type ExecuteAction = 'start' | 'stop' | 'status' | 'reload';

/** ExecuteRunner runs `ldirectord <name> <action>` for each name, in order; resolves exit codes. */
export type ExecuteRunner = (names: readonly string[], action: ExecuteAction) => Promise<number[]>;

/** CommandSpec says how to run our own CLI: node binary, its flags, the ldirectord script. */
export interface CommandSpec {
  readonly execPath: string;
  readonly execArgv: readonly string[];
  readonly script: string;
  readonly env: NodeJS.ProcessEnv;
  /** 'inherit' lets `status` show the children's output; the daemon uses 'ignore'. */
  readonly stdio: 'inherit' | 'ignore';
  /** A child still running after this long is killed (its start waits for its own daemon). */
  readonly timeoutMs: number;
}

function runOne(spec: CommandSpec, name: string, action: ExecuteAction, logger: Logger): Promise<number> {
  return new Promise((resolve) => {
    let child: ReturnType<typeof spawn>;
    try {
      child = spawn(spec.execPath, [...spec.execArgv, spec.script, name, action], {
        stdio: spec.stdio, env: spec.env, timeout: spec.timeoutMs, killSignal: 'SIGKILL',
      });
    } catch (e) {
      // spawn throws at once for some errors (ENOMEM, invalid arguments) instead of emitting 'error'.
      logger.error(`Can not run ldirectord ${name} ${action}: ${(e as Error).message}`);
      resolve(-1);
      return;
    }
    child.on('error', (e) => {
      logger.error(`Can not run ldirectord ${name} ${action}: ${e.message}`);
      resolve(-1);
    });
    child.on('exit', (code, signal) => {
      if (code === null) logger.error(`ldirectord ${name} ${action} killed by ${signal}`);
      resolve(code ?? -1);
    });
  });
}

/** executeRunner builds the runner the CLI and the daemon use; failures are logged, not thrown. */
export function executeRunner(spec: CommandSpec, logger: Logger): ExecuteRunner {
  return async (names, action) => {
    const codes: number[] = [];
    for (const name of names) {
      logger.debug(`Running ldirectord ${name} ${action}`, 2);
      codes.push(await runOne(spec, name, action, logger));
    }
    return codes;
  };
}

/**
 * reconcileExecute applies a reload to the execute= instances as reread_config does
 * (L1196-1213): removed ones get stop, kept ones reload (start if reload fails), new ones start.
 */
export async function reconcileExecute(run: ExecuteRunner, before: readonly string[], after: readonly string[]): Promise<void> {
  const removed = before.filter((n) => !after.includes(n));
  const kept = after.filter((n) => before.includes(n));
  const added = after.filter((n) => !before.includes(n));
  await run(removed, 'stop');
  for (const name of kept) {
    const [code] = await run([name], 'reload');
    if (code !== 0) await run([name], 'start');
  }
  await run(added, 'start');
}
