/**
 * Port helpers for tests that start real servers on loopback. Each engineer uses their own
 * 127.0.x.0/24 range, so "free" here means free on that address.
 */
import { createServer, Socket } from 'node:net';

/** freePort asks the kernel for an unused TCP port on `host` (bind to 0, read it, close). */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen({ host, port: 0, exclusive: true }, () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** freePorts returns `n` distinct free ports on `host`. */
export async function freePorts(host: string, n: number): Promise<number[]> {
  const out = new Set<number>();
  while (out.size < n) out.add(await freePort(host));
  return [...out];
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
