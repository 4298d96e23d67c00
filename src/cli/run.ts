/**
 * runCli: one invocation of the `ldirectord` command, from arguments to exit code.
 */
import { isDaemonChild, runDaemonChild } from './child.js';
import { runAction, type ActionOutcome } from './actions.js';
import { inlineStart } from './inline-start.js';
import { isControlAction, parseArgs } from './args.js';
import { runControlAction } from './control-actions.js';
import { prepare, type CliDeps } from './invocation.js';
import { helpText, USAGE, versionText } from './usage.js';

/** runCli returns the exit code, or 'foreground' when this process now is the daemon. */
export async function runCli(deps: CliDeps): Promise<ActionOutcome> {
  if (isDaemonChild(deps.env)) {
    await runDaemonChild(deps);
    return 'foreground';
  }
  const { io } = deps;
  const args = await parseArgs(deps.rawArgs);
  switch (args.kind) {
    case 'help':
      io.stdout(helpText());
      return 0;
    case 'version':
      io.stdout(versionText());
      return 0;
    case 'usage':
      // pod2usage(-exitval => -1) (L1100-1103): exit 255.
      io.stderr(`ldirectord: ${args.message}\n${USAGE}`);
      return 255;
    default:
  }
  const inline = inlineStart(deps.env, args.action);
  const prepared = await prepare(args, deps);
  if (!prepared.ok) return prepared.code;
  const inv = prepared.inv;
  if (args.action === 'configtest') {
    io.stdout(`${deps.configApi.summarize(inv.config!)}\n`);
    return 0;
  }
  // A foreground daemon (supervised=yes) cannot run in the session the shell part made for an
  // inline start: the shell runs the command again the ordinary way.
  if (inline && inv.foreground) {
    inline.again();
    return 0;
  }
  inv.logger.info(`Invoking ldirectord invoked as: ${deps.command.script} ${deps.rawArgs.join(' ')}`);
  if (isControlAction(args.action)) {
    const code = await runControlAction(inv, args.action);
    inv.logger.close();
    return code;
  }
  const outcome = await runAction(inv, inline);
  if (outcome !== 'foreground') inv.logger.close();
  return outcome;
}
