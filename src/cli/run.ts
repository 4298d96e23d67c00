/**
 * runCli: one invocation of the `ldirectord` command, from arguments to exit code.
 */
import { isDaemonChild, runDaemonChild } from './child.js';
import { runAction, type ActionOutcome } from './actions.js';
import { isControlAction, parseArgs } from './args.js';
import { runControlAction } from './control-actions.js';
import { prepare, type CliDeps } from './invocation.js';
import { StartClaim } from './start-claim.js';
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
  // `start` holds the pid file from before it loads the config, so a `stop` in that time finds
  // it (start-claim.ts); -d never writes one.
  let claim: StartClaim | undefined;
  const claimFile = args.action === 'start' && !args.debug
    ? (pidFile: string): void => { claim = new StartClaim(pidFile, deps.pid); claim.claimFile(); }
    : undefined;
  const prepared = await prepare(args, deps, claimFile);
  if (!prepared.ok) {
    claim?.release();
    return prepared.code;
  }
  const inv = prepared.inv;
  if (args.action === 'configtest') {
    io.stdout(`${deps.configApi.summarize(inv.config!)}\n`);
    return 0;
  }
  inv.logger.info(`Invoking ldirectord invoked as: ${deps.command.script} ${deps.rawArgs.join(' ')}`);
  if (isControlAction(args.action)) {
    const code = await runControlAction(inv, args.action);
    inv.logger.close();
    return code;
  }
  const outcome = await runAction(inv, claim);
  if (outcome !== 'foreground') inv.logger.close();
  return outcome;
}
