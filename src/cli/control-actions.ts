/**
 * `show`, `drain` and `enable`: the actions that ask the running daemon over its control socket
 * (src/daemon/control.ts). Exit codes: 0 done; 1 the daemon refused (no such real, ...) or
 * runs without answering; 3 no daemon (as `status`); 255 usage.
 */
import type { ControlRequest } from '../daemon/control.js';
import { probePidFile } from '../daemon/pidfile.js';
import { controlSocketPath } from '../daemon/runtime-paths.js';
import type { HealthSnapshot } from '../director/health.js';
import { isLdError } from '../util/errors.js';
import type { ControlAction } from './args.js';
import { parseControlArgs } from './control-args.js';
import { controlRequest, NoDaemon } from './control-client.js';
import type { Invocation } from './invocation.js';
import { renderHealth } from './show-text.js';
import { USAGE } from './usage.js';

/** CONTROL_TIMEOUT_MS bounds the wait for the daemon's answer. */
const CONTROL_TIMEOUT_MS = 30_000;

/** runControlAction performs show/drain/enable and returns the exit code. */
export async function runControlAction(inv: Invocation, action: ControlAction): Promise<number> {
  const { io } = inv.deps;
  const args = parseControlArgs(action, inv.args.actionArgs ?? []);
  if ('usage' in args) {
    io.stderr(`ldirectord: ${args.usage}\n${USAGE}`);
    return 255;
  }
  const req: ControlRequest = args.action === 'show' ? { cmd: 'show' }
    : args.action === 'drain' ? { cmd: 'drain', real: args.real, reason: args.reason } : { cmd: 'enable', real: args.real };
  const path = controlSocketPath(inv.settings.pidDir, inv.name);
  let reply;
  try {
    reply = await controlRequest(path, req, CONTROL_TIMEOUT_MS);
  } catch (e) {
    if (!isLdError(e)) throw e;
    if (!(e instanceof NoDaemon)) {
      io.stderr(`${e.message}\n`);
      return 1;
    }
    const state = probePidFile(inv.pidFile);
    if (state.kind === 'running') {
      io.stderr(`ldirectord for ${inv.configPath} is running with pid ${state.pid} but does not answer on ${path}: see its log\n`);
      return 1;
    }
    io.stderr(`ldirectord is stopped for ${inv.configPath} (no daemon answers on ${path})\n`);
    return 3;
  }
  if (!reply.ok) {
    io.stderr(`ldirectord ${action}: ${reply.message}\n`);
    return 1;
  }
  if (args.action === 'show') {
    const health = reply.health as HealthSnapshot;
    io.stdout(args.json ? `${JSON.stringify(health, null, 2)}\n` : renderHealth(health));
    return 0;
  }
  const matched = (reply.matched as string[] | undefined) ?? [];
  const verb = args.action === 'drain' ? 'Drained' : 'Enabling (back after a passing check)';
  io.stdout(`${verb}: ${matched.length} real server(s)\n${matched.map((m) => `  ${m}\n`).join('')}`);
  return 0;
}
