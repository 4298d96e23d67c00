/**
 * Child-process handling for real-server tests: start a server binary, wait until it listens,
 * capture its output (bounded) for failure messages, and always stop it - also when the test
 * process exits early, via one exit hook that kills every child still alive.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { waitForPort } from './ports.js';

const alive = new Set<ChildProcess>();
let hooked = false;

function hookExit(): void {
  if (hooked) return;
  hooked = true;
  // 'exit' handlers must be synchronous: SIGKILL is the only thing that can be done here.
  process.once('exit', () => { for (const c of alive) c.kill('SIGKILL'); });
}

/** ServerProcess is a started child. stop() is idempotent and resolves once it has exited. */
export interface ServerProcess {
  readonly pid: number;
  readonly child: ChildProcess;
  /** output returns the last 64 KiB of stdout+stderr, for assertion messages. */
  output(): string;
  /** stop sends SIGTERM, then SIGKILL after `graceMs`, and resolves on exit. */
  stop(graceMs?: number): Promise<void>;
}

export interface StartOptions {
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Resolve only once this address accepts TCP connections. */
  readonly ready?: { readonly host: string; readonly port: number };
  readonly readyTimeoutMs?: number;
}

/** startProcess spawns `cmd args` (no shell) and waits for `ready` if given. */
export async function startProcess(cmd: string, args: readonly string[], opts: StartOptions = {}): Promise<ServerProcess> {
  hookExit();
  const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  alive.add(child);
  let out = '';
  const keep = (d: Buffer): void => { out = (out + d.toString()).slice(-65536); };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => { alive.delete(child); resolve(); });
    child.once('error', (e) => { out += `\nspawn error: ${e.message}`; alive.delete(child); resolve(); });
  });
  let stopping: Promise<void> | undefined;
  const handle: ServerProcess = {
    pid: child.pid ?? -1,
    child,
    output: () => out,
    stop(graceMs = 2000) {
      stopping ??= (async () => {
        if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) { await exited; return; }
        child.kill('SIGTERM');
        const t = setTimeout(() => child.kill('SIGKILL'), graceMs);
        await exited;
        clearTimeout(t);
      })();
      return stopping;
    },
  };
  if (opts.ready) {
    const early = exited.then(() => { throw new Error(`${cmd} exited before listening:\n${out}`); });
    try {
      await Promise.race([waitForPort(opts.ready.host, opts.ready.port, opts.readyTimeoutMs ?? 10_000), early]);
    } catch (e) {
      await handle.stop();
      throw e;
    } finally {
      early.catch(() => undefined);
    }
  }
  return handle;
}
