/**
 * Port helpers for tests that start real servers on loopback. Each engineer uses their own
 * 127.0.x.0/24 range, so "free" here means free on that address.
 *
 * Ports are handed out without the bind-0-close-reuse race: asking the kernel for port 0 and
 * closing returns an *ephemeral* port, which the next outgoing connection of any process on the
 * machine may take before the test's server binds it. Instead each port comes from below the
 * kernel's ephemeral range (never used for outgoing connections) and is claimed with an
 * exclusive lock file shared by every test process on the machine, held until the process
 * exits, so two test files (or two sessions) never get the same port.
 */
import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const LOCK_DIR = join(tmpdir(), 'ldirectord-test-ports');
const LOWEST = 20_000;
const claimed = new Set<string>();

/** ephemeralLow is the kernel's first ephemeral port (ip_local_port_range); 32768 if unreadable. */
function ephemeralLow(): number {
  try {
    const lo = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    return Number.isInteger(lo) && lo > LOWEST + 1000 ? lo : 32_768;
  } catch { return 32_768; }
}

function alive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch (e) { return (e as NodeJS.ErrnoException).code === 'EPERM'; }
}

/** claim takes port's lock file; a lock left by a dead process is taken over. */
function claim(port: number): boolean {
  const file = join(LOCK_DIR, String(port));
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      if (claimed.size === 0) process.once('exit', releaseAll);
      claimed.add(file);
      return true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      let owner = 0;
      try { owner = Number(readFileSync(file, 'utf8')); } catch { /* removed meanwhile: retry */ }
      if (owner > 0 && alive(owner)) return false;
      try { unlinkSync(file); } catch { /* another process took it over first */ }
    }
  }
  return false;
}

function releaseAll(): void {
  for (const f of claimed) { try { unlinkSync(f); } catch { /* already gone */ } }
  claimed.clear();
}

/** bindable: can a listener bind host:port right now (nothing else holds it)? */
function bindable(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen({ host, port, exclusive: true }, () => srv.close(() => resolve(true)));
  });
}

/** freePort returns a TCP port on `host` that no other test process holds and nothing listens on. */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  mkdirSync(LOCK_DIR, { recursive: true, mode: 0o1777 });
  const span = ephemeralLow() - LOWEST;
  for (let i = 0; i < 1000; i++) {
    const port = LOWEST + Math.floor(Math.random() * span);
    if (!claim(port)) continue;
    if (await bindable(host, port)) return port;
    // Held by a server outside this scheme: keep the claim, so nobody else tries it again.
  }
  throw new Error(`no free port on ${host} after 1000 tries`);
}

/** freePorts returns `n` distinct free ports on `host`. */
export async function freePorts(host: string, n: number): Promise<number[]> {
  const out: number[] = [];
  while (out.length < n) out.push(await freePort(host));
  return out;
}

/** canConnect tries one TCP connect, resolving true on success and false on any error. */
export function canConnect(host: string, port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const s = new Socket();
    const done = (ok: boolean): void => { s.destroy(); resolve(ok); };
    s.setTimeout(timeoutMs, () => done(false));
    s.once('error', () => done(false));
    s.connect({ host, port }, () => done(true));
  });
}

/** waitForPort polls host:port until it accepts connections, or throws after `timeoutMs`. */
export async function waitForPort(host: string, port: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await canConnect(host, port)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nothing listening on ${host}:${port} after ${timeoutMs} ms`);
}

/** waitForPortClosed polls until host:port refuses connections. */
export async function waitForPortClosed(host: string, port: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!(await canConnect(host, port))) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${host}:${port} still accepting after ${timeoutMs} ms`);
}
