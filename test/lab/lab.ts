/**
 * The kernel lab: runs a shell script as root inside a User-Mode Linux guest (Debian's
 * user-mode-linux, kernel 6.1 with IPVS as modules) whose root is the host filesystem (hostfs).
 * The host kernel has no IPVS; the guest does. See docs/kernel-lab.md.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, mkdtempSync, openSync, readSync, closeSync, readFileSync, rmSync, writeFileSync, fstatSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { DEFAULT_COPY_MASKS, DEFAULT_EMPTIES, DEFAULT_MASKS, renderGuestInit } from './guest-init.js';

/** LabOptions configures one guest boot. */
export interface LabOptions {
  /** sh script run as root inside the guest after setup. */
  readonly script: string;
  /** Wall-clock limit for the whole run (boot included); the guest is killed past it. */
  readonly timeoutMs: number;
  /** Guest memory in MiB (default 768). */
  readonly memMb?: number;
  /** Extra environment variables for the script. */
  readonly env?: Readonly<Record<string, string>>;
  /** Working directory of the script (default: the host's process.cwd()). */
  readonly cwd?: string;
  /** Modules to load besides ip_vs (e.g. ip_vs_wrr); schedulers also load on demand. */
  readonly modules?: readonly string[];
  /** Extra directories to mask with a skeleton tmpfs / a tmpfs holding a copy of their content. */
  readonly masks?: readonly string[];
  readonly copyMasks?: readonly string[];
  /** Called with each new chunk of the script's output while it runs. */
  readonly onOutput?: (chunk: string) => void;
  /** Keep the work dir (for debugging); it is removed by default. */
  readonly keepWorkDir?: boolean;
}

/** LabResult is what came back from the guest. */
export interface LabResult {
  /** The script's exit status; 124 on timeout, 125 when the guest died without reporting one. */
  readonly code: number;
  /** The script's stdout and stderr, interleaved, plus the guest setup's own messages. */
  readonly output: string;
  readonly timedOut: boolean;
  readonly durationMs: number;
  /** The UML console (kernel messages); useful when the guest failed to boot. */
  readonly console: string;
}

/** LAB_KERNEL is Debian's UML kernel binary. */
export const LAB_KERNEL = '/usr/bin/linux.uml';
const MODULES_DIR = '/usr/lib/uml/modules';

/** labUnavailableReason says why the lab cannot run on this machine, or undefined if it can. */
export function labUnavailableReason(): string | undefined {
  try { accessSync(LAB_KERNEL, constants.X_OK); } catch {
    return `${LAB_KERNEL} not found (apt-get install user-mode-linux)`;
  }
  if (!existsSync(MODULES_DIR)) return `${MODULES_DIR} not found (user-mode-linux package incomplete)`;
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    return 'not root: the guest runs the host filesystem as root through hostfs';
  }
  return undefined;
}

/** runInLab boots a guest, runs opts.script in it and returns its exit status and output. */
export async function runInLab(opts: LabOptions): Promise<LabResult> {
  const why = labUnavailableReason();
  if (why) throw new Error(`kernel lab unavailable: ${why}`);
  // The guest bind-mounts the UML modules here; the host may have no /lib/modules at all.
  mkdirSync('/lib/modules', { recursive: true });
  const workDir = mkdtempSync('/var/tmp/ldlab-');
  const umid = `ldlab-${process.pid}-${randomBytes(4).toString('hex')}`;
  writeFileSync(join(workDir, 'script.sh'), opts.script);
  writeFileSync(join(workDir, 'out'), '');
  const init = renderGuestInit({
    workDir,
    cwd: opts.cwd ?? process.cwd(),
    env: opts.env ?? {},
    masks: [...DEFAULT_MASKS, ...(opts.masks ?? [])],
    empties: DEFAULT_EMPTIES,
    copyMasks: [...DEFAULT_COPY_MASKS, ...(opts.copyMasks ?? [])],
    modules: ['ip_vs', ...(opts.modules ?? [])],
  });
  writeFileSync(join(workDir, 'init.sh'), init, { mode: 0o755 });
  const started = Date.now();
  const argv = [
    `mem=${opts.memMb ?? 768}M`, 'root=/dev/root', 'rootfstype=hostfs', 'rootflags=/', 'rw',
    `init=${join(workDir, 'init.sh')}`, `umid=${umid}`, `uml_dir=${workDir}`,
    'con=null', 'con0=null,fd:1', 'quiet',
  ];
  // Own process group: UML forks helper processes, and a timeout must take them all down.
  const child = spawn(LAB_KERNEL, argv, {
    stdio: ['ignore', 'pipe', 'pipe'], detached: true,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', TMPDIR: workDir },
  });
  let consoleText = '';
  const keep = (d: Buffer) => { consoleText = (consoleText + d.toString()).slice(-64 * 1024); };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const tail = tailFile(join(workDir, 'out'), opts.onOutput);
  let timedOut = false;
  const killGuest = () => { try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* already gone */ } };
  const timer = setTimeout(() => { timedOut = true; killGuest(); }, opts.timeoutMs);
  // The guest has its own process group, so Ctrl-C on the terminal does not reach it: take it
  // down with us, then let the signal do what it would have done.
  const onSignal = (sig: NodeJS.Signals) => {
    killGuest();
    if (!opts.keepWorkDir) rmSync(workDir, { recursive: true, force: true });
    process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
    process.kill(process.pid, sig);
  };
  process.on('SIGINT', onSignal).on('SIGTERM', onSignal);
  await new Promise<void>((resolve) => {
    child.on('close', () => resolve());
    child.on('error', (e) => { consoleText += `\nlab: cannot start ${LAB_KERNEL}: ${e.message}\n`; resolve(); });
  });
  clearTimeout(timer);
  process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
  // Guest helper processes can outlive the main one briefly; sweep the group.
  killGuest();
  tail.stop();
  const output = readFileSync(join(workDir, 'out'), 'utf8');
  const rcPath = join(workDir, 'rc');
  let code = timedOut ? 124 : 125;
  if (!timedOut && existsSync(rcPath)) code = Number(readFileSync(rcPath, 'utf8').trim());
  if (!opts.keepWorkDir) rmSync(workDir, { recursive: true, force: true });
  return { code, output, timedOut, durationMs: Date.now() - started, console: consoleText };
}

/** tailFile polls a file that the guest appends to (hostfs writes go straight to the host file). */
function tailFile(path: string, onChunk?: (s: string) => void): { stop(): void } {
  if (!onChunk) return { stop() {} };
  let pos = 0;
  const decoder = new TextDecoder();
  const poll = () => {
    let fd: number;
    try { fd = openSync(path, 'r'); } catch { return; }
    try {
      const size = fstatSync(fd).size;
      if (size > pos) {
        const buf = Buffer.alloc(size - pos);
        const n = readSync(fd, buf, 0, buf.length, pos);
        pos += n;
        onChunk(decoder.decode(buf.subarray(0, n), { stream: true }));
      }
    } finally { closeSync(fd); }
  };
  const t = setInterval(poll, 200);
  return { stop() { clearInterval(t); poll(); const rest = decoder.decode(); if (rest) onChunk(rest); } };
}
