/**
 * Running the built `ldirectord` command the way an operator (or the OCF agent) does, with the
 * config directory and pid directory moved into a temp dir through LDIRECTORD_CONFDIR and
 * LDIRECTORD_PIDDIR. Every run has a deadline, so a hung daemon fails a test instead of hanging it.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** PROJECT_ROOT is the checkout (dist/test/e2e-support/ is three levels down). */
export const PROJECT_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** ldirectordBin is the command under test: LDIRECTORD_E2E_BIN, else the shipped bin/ldirectord. */
export function ldirectordBin(): string {
  return process.env.LDIRECTORD_E2E_BIN ?? `${PROJECT_ROOT}bin/ldirectord`;
}

/** CliRun is what one command printed and returned. */
export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

/** CliEnv places the config and pid directories. */
export interface CliEnv {
  readonly confDir: string;
  readonly pidDir: string;
  readonly extra?: Readonly<Record<string, string>>;
  /**
   * false: run `node bin/ldirectord`. Default: run bin/ldirectord as an executable, as an operator
   * or the OCF agent does (both take the same start path).
   */
  readonly executable?: boolean;
}

/** ldirectord runs `ldirectord ...args` and resolves with its exit status and output. */
export function ldirectord(args: readonly string[], env: CliEnv, timeoutMs = 120_000): Promise<CliRun> {
  const started = Date.now();
  return new Promise((resolve) => {
    const executable = env.executable !== false;
    const child = spawn(executable ? ldirectordBin() : process.execPath, executable ? [...args] : [ldirectordBin(), ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin',
        LDIRECTORD_CONFDIR: env.confDir, LDIRECTORD_PIDDIR: env.pidDir, ...env.extra,
      },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    const t = setTimeout(() => { stderr += `\n[killed after ${timeoutMs} ms]`; child.kill('SIGKILL'); }, timeoutMs);
    child.on('close', (code, sig) => {
      clearTimeout(t);
      resolve({ code: code ?? (sig ? 128 : 1), stdout, stderr, ms: Date.now() - started });
    });
  });
}

/** daemonPid reads the pid file `ldirectord.<name>.pid` in pidDir (undefined when absent). */
export function daemonPid(pidDir: string, name: string): number | undefined {
  const f = `${pidDir}/ldirectord.${name}.pid`;
  if (!existsSync(f)) return undefined;
  const n = Number(readFileSync(f, 'utf8').trim());
  return Number.isInteger(n) && n > 0 ? n : undefined;
}

/** killDaemon is the cleanup of last resort: SIGKILL the daemon named by its pid file. */
export function killDaemon(pidDir: string, name: string): void {
  const pid = daemonPid(pidDir, name);
  if (pid === undefined) return;
  try { process.kill(pid, 'SIGKILL'); } catch { /* already gone */ }
}

/**
 * stopDaemon is a test's teardown: `ldirectord <name> stop` as an admin would, then SIGKILL
 * whatever the pid file still names (a stop that failed or timed out must not leave a daemon).
 */
export async function stopDaemon(name: string, env: CliEnv): Promise<void> {
  await ldirectord([name, 'stop'], env, 60_000).catch(() => undefined);
  killDaemon(env.pidDir, name);
}
