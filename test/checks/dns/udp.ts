/**
 * UDP test helpers shared by the dns, radius and sip check tests (the common harness in
 * test/harness/ is TCP-only): free UDP ports, in-process UDP responders, readiness by probing.
 */
import { waitUntil } from '../../harness/wait.js';
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { freePort } from '../../harness/index.js';

/** freeUdpPort returns a port that is free on `host` for UDP (bind to 0, read it, close). */
export function freeUdpPort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createSocket('udp4');
    s.once('error', reject);
    s.bind(0, host, () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** freeDualPort returns a port free on `host` for both TCP and UDP (servers that listen on both). */
export async function freeDualPort(host: string): Promise<number> {
  for (let i = 0; i < 50; i++) {
    const port = await freePort(host);
    const ok = await new Promise<boolean>((resolve) => {
      const s = createSocket('udp4');
      s.once('error', () => resolve(false));
      s.bind(port, host, () => s.close(() => resolve(true)));
    });
    if (ok) return port;
  }
  throw new Error(`no port free for TCP and UDP on ${host}`);
}

/** UdpServer is an in-process UDP responder; `received` keeps every datagram it got. */
export interface UdpServer {
  readonly host: string;
  readonly port: number;
  readonly received: Buffer[];
  close(): Promise<void>;
}

/**
 * startUdpServer binds host:port (0 = any) and answers each datagram with what `reply` returns
 * (nothing when it returns undefined: a silent server, for timeout tests).
 */
export function startUdpServer(
  host: string, port: number, reply: (msg: Buffer, from: RemoteInfo) => Buffer | undefined,
): Promise<UdpServer> {
  return new Promise((resolve, reject) => {
    const s: Socket = createSocket(host.includes(':') ? 'udp6' : 'udp4');
    const received: Buffer[] = [];
    s.once('error', reject);
    s.on('message', (msg, from) => {
      received.push(msg);
      const out = reply(msg, from);
      if (out !== undefined) s.send(out, from.port, from.address);
    });
    s.bind(port, host, () => {
      s.removeListener('error', reject);
      s.on('error', () => undefined);
      resolve({
        host, port: s.address().port, received,
        close: () => new Promise<void>((r) => s.close(() => r())),
      });
    });
  });
}

/** waitFor polls `probe` every 100 ms until it is true, or throws after `timeoutMs`. */
export function waitFor(what: string, probe: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  return waitUntil(`${what} not ready`, probe, timeoutMs, 100);
}
