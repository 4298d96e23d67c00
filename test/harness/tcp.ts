/**
 * Tiny in-process TCP servers: a scripted one (reply computed from what the client sent) and a
 * hung one (accepts, never answers) for timeout tests.
 */
import { createServer, type Server, type Socket } from 'node:net';

/** TestServer is a listening in-process server; close() also destroys open connections. */
export interface TestServer {
  readonly host: string;
  readonly port: number;
  /** Number of connections accepted so far. */
  connections(): number;
  close(): Promise<void>;
}

function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port, backlog: 4096 }, () => {
      const a = server.address();
      resolve(typeof a === 'object' && a ? a.port : port);
    });
  });
}

/** startTcpServer listens on host:port (0 = any) and hands each connection to `onConnection`. */
export async function startTcpServer(
  host: string, port: number, onConnection: (s: Socket) => void, opts: { allowHalfOpen?: boolean } = {},
): Promise<TestServer> {
  const sockets = new Set<Socket>();
  let count = 0;
  const server = createServer({ allowHalfOpen: opts.allowHalfOpen ?? false }, (s) => {
    count++;
    sockets.add(s);
    s.on('error', () => undefined);
    s.once('close', () => sockets.delete(s));
    onConnection(s);
  });
  const bound = await listen(server, host, port);
  return {
    host,
    port: bound,
    connections: () => count,
    close: () => new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}

/**
 * startReplyServer reads the whole request (until the client shuts down its write side, or
 * `maxRequest` bytes), then writes `reply(request)` and closes.
 */
export function startReplyServer(host: string, port: number, reply: (request: string) => string, maxRequest = 65536): Promise<TestServer> {
  return startTcpServer(host, port, (s) => {
    let req = '';
    let answered = false;
    const answer = (): void => { if (!answered) { answered = true; s.end(reply(req)); } };
    s.on('data', (d) => { req += d.toString('latin1'); if (req.length >= maxRequest) answer(); });
    s.once('end', answer);
  }, { allowHalfOpen: true });
}

/**
 * startHungServer accepts connections and never sends a byte nor closes them, even after the
 * client shuts down its write side (half-open allowed).
 */
export function startHungServer(host: string, port = 0): Promise<TestServer> {
  return startTcpServer(host, port, (s) => { s.resume(); }, { allowHalfOpen: true });
}
