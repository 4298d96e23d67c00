/**
 * Default process runner for fallbackcommand and the autoreload callback: argv exec, resolves
 * with the exit code (signals map to 128+n), never rejects (a spawn error resolves 127).
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:os';

/** spawnExec runs argv with stdio ignored. */
export function spawnExec(argv: readonly string[]): Promise<number> {
  return new Promise((resolve) => {
    const [cmd, ...args] = argv;
    if (!cmd) { resolve(127); return; }
    const child = spawn(cmd, args, { stdio: 'ignore' });
    child.on('error', () => resolve(127));
    child.on('close', (code, sig) => {
      resolve(code ?? 128 + (sig ? (constants.signals as Record<string, number>)[sig] ?? 0 : 0));
    });
  });
}
