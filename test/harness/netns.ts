/**
 * A throwaway network namespace for cases loopback cannot produce: an address whose packets are
 * silently dropped (connect/ping timeouts). Inside the namespace, `blackhole` is routed to lo
 * without being a local address, so the kernel drops everything sent to it. Tests run the code
 * under test inside it as a child process (`ip netns exec`). Needs root.
 */
import { execFileSync, spawn } from 'node:child_process';

export interface Netns {
  readonly name: string;
  /** An IPv4 address in the namespace that never answers anything. */
  readonly blackhole: string;
  /** run executes argv inside the namespace and resolves with its stdout and exit code. */
  run(argv: readonly string[], timeoutMs?: number): Promise<{ code: number | null; stdout: string; stderr: string }>;
  remove(): void;
}

/** createNetns makes `ld-<tag>-<pid>` with lo up and 10.255.<octet>.0/24 blackholed. */
export function createNetns(tag: string, octet = 5): Netns {
  const name = `ld-${tag}-${process.pid}`;
  const ip = (...args: string[]): void => { execFileSync('ip', args, { stdio: 'pipe' }); };
  try { ip('netns', 'del', name); } catch { /* not there */ }
  ip('netns', 'add', name);
  ip('-n', name, 'link', 'set', 'lo', 'up');
  ip('-n', name, 'route', 'add', `10.255.${octet}.0/24`, 'dev', 'lo');
  return {
    name,
    blackhole: `10.255.${octet}.2`,
    run(argv, timeoutMs = 30_000) {
      return new Promise((resolve) => {
        const child = spawn('ip', ['netns', 'exec', name, ...argv], { stdio: ['ignore', 'pipe', 'pipe'] });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d) => { stdout += d; });
        child.stderr.on('data', (d) => { stderr += d; });
        const t = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
        child.once('close', (code) => { clearTimeout(t); resolve({ code, stdout, stderr }); });
      });
    },
    remove() { try { ip('netns', 'del', name); } catch { /* already gone */ } },
  };
}
