/**
 * misbehaving-reals: http real servers that misbehave the ways issue 15 lists, in their own
 * process (`node misbehaving-reals.js <host>`), one port each, printed as one JSON line
 * (behaviour -> port). SIGUSR1 turns the 'healthy' one into a 500 (a healthy real failing).
 */
import { createServer, type Socket } from 'node:net';

const PAGE = 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 10\r\nConnection: close\r\n\r\nTest Page\n';
const ERROR = 'HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\nConnection: close\r\n\r\n';
let healthyFails = false;
process.on('SIGUSR1', () => { healthyFails = true; });

/** BEHAVIOURS: what each real does once it has read the request. */
const BEHAVIOURS: Record<string, (s: Socket) => void> = {
  // Accepts, reads the request, never answers.
  hang: () => undefined,
  // One byte per second of a valid answer: the deadline must end it.
  slow: (s) => {
    let i = 0;
    const t = setInterval(() => { if (s.destroyed || i >= PAGE.length) { clearInterval(t); return; } s.write(PAGE[i++]!); }, 1000);
    s.on('close', () => clearInterval(t));
  },
  // Half a status line, then a TCP reset.
  reset: (s) => { s.write('HTTP/1.1 20'); setTimeout(() => s.resetAndDestroy(), 20); },
  // A 100 MB body that does not hold the receive string in its first megabyte.
  huge: (s) => {
    s.write(`HTTP/1.1 200 OK\r\nContent-Length: ${100 * 1024 * 1024}\r\nConnection: close\r\n\r\n`);
    const block = Buffer.alloc(64 * 1024, 0x61);
    const pump = (): void => { while (!s.destroyed && s.write(block)); if (!s.destroyed) s.once('drain', pump); };
    pump();
  },
  // The headers promise a body; the connection closes right after them.
  closehdr: (s) => { s.end('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n'); },
  // Up for 2 s, down for 2 s, and so on.
  flap: (s) => { s.end(Math.floor(Date.now() / 2000) % 2 === 0 ? PAGE : ERROR); },
  // Plain text on a TLS port: the handshake breaks.
  badtls: (s) => { s.end('HTTP/1.1 200 OK\r\n\r\n'); },
  healthy: (s) => { s.end(healthyFails ? ERROR : PAGE); },
  healthy2: (s) => { s.end(PAGE); },
};

async function main(): Promise<void> {
  const host = process.argv[2] ?? '127.0.0.1';
  const ports: Record<string, number> = {};
  for (const [name, behave] of Object.entries(BEHAVIOURS)) {
    const server = createServer((s) => {
      s.on('error', () => undefined);
      // The TLS client speaks first (ClientHello): answer its first bytes like an HTTP request.
      s.once('data', () => behave(s));
    });
    ports[name] = await new Promise<number>((resolve) => server.listen(0, host, () => resolve((server.address() as { port: number }).port)));
  }
  process.stdout.write(`${JSON.stringify(ports)}\n`);
}

await main();
