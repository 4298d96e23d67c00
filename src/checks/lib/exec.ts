import { spawn } from 'node:child_process';

/** KILL_GRACE_MS is how long a TERMed child gets before SIGKILL. */
export const KILL_GRACE_MS = 1000;

/** ExecOutcome is how a bounded child process ended. */
export interface ExecOutcome {
  /** Exit status, or null when the child died from a signal or could not start. */
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** First bytes of stdout+stderr (bounded by maxOutput). */
  readonly output: string;
  /** Set when the child could not be started (e.g. ENOENT, EACCES). */
  readonly spawnError?: string;
  /** True when the child was TERMed/KILLed because `signal` aborted. */
  readonly killed: boolean;
}

/**
 * execBounded runs `cmd args` without a shell in its own process group. When `signal` aborts,
 * the whole group gets SIGTERM, then SIGKILL after KILL_GRACE_MS (the original only TERMs the
 * child, L4826, leaving grandchildren behind). Output beyond `maxOutput` bytes is discarded.
 * Resolves on the child's exit, not on pipe close, so a grandchild holding the pipe cannot stall it.
 */
export function execBounded(cmd: string, args: readonly string[], signal: AbortSignal, maxOutput = 4096): Promise<ExecOutcome> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let kept = 0;
    const output = (): string => Buffer.concat(chunks).toString('utf8');
    let killed = false;
    let killTimer: NodeJS.Timeout | undefined;
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const keep = (d: Buffer): void => {
      if (kept < maxOutput) { const part = d.subarray(0, maxOutput - kept); chunks.push(part); kept += part.length; }
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    const group = (sig: NodeJS.Signals): void => {
      if (child.pid === undefined) return;
      try { process.kill(-child.pid, sig); } catch { /* already gone */ }
    };
    const onAbort = (): void => {
      killed = true;
      group('SIGTERM');
      killTimer = setTimeout(() => group('SIGKILL'), KILL_GRACE_MS);
    };
    const finish = (o: ExecOutcome): void => {
      signal.removeEventListener('abort', onAbort);
      // The group may still hold grandchildren; after a kill, make sure they go too.
      if (killed) { clearTimeout(killTimer); group('SIGKILL'); }
      child.stdout?.destroy();
      child.stderr?.destroy();
      resolve(o);
    };
    child.once('error', (e: NodeJS.ErrnoException) => {
      finish({ code: null, signal: null, output: output(), spawnError: e.code ?? e.message, killed });
    });
    child.once('exit', (code, sig) => finish({ code, signal: sig, output: output(), killed }));
    if (signal.aborted) onAbort(); else signal.addEventListener('abort', onAbort, { once: true });
  });
}
