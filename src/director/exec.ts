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
    let child;
    // spawn throws at once for some errors (ENOMEM on fork, invalid arguments) instead of
    // emitting 'error'; callers such as the autoreload watcher rely on "never rejects".
    try { child = spawn(cmd, args, { stdio: 'ignore' }); } catch { resolve(127); return; }
    child.on('error', () => resolve(127));
    child.on('close', (code, sig) => {
      resolve(code ?? 128 + (sig ? (constants.signals as Record<string, number>)[sig] ?? 0 : 0));
    });
  });
}

/**
 * fallbackArgv is how fallbackcommand runs. Its text is a shell command line by the original's
 * contract (system("$cmd start ..."), L3520): admins write `/etc/init.d/x` or `a && b`, so the
 * admin's text goes to /bin/sh as written. What we append (action, vip:port, protocol) is passed
 * as positional parameters behind "$@", never spliced into the line: an IPv6 `[2001:db8::1]:80`
 * was an unquoted glob pattern there.
 */
export function fallbackArgv(cmd: string, args: readonly string[]): string[] {
  return ['/bin/sh', '-c', `${cmd} "$@"`, 'sh', ...args];
}
