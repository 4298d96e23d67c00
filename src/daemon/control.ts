/**
 * The control socket: a unix stream socket (mode 0600, root only) one per config next to the pid
 * file, which `ldirectord <cfg> show|drain|enable` talk to. One JSON line in, one JSON line out,
 * then the daemon closes the connection. The HAProxy stats-socket pattern, minus a grammar of
 * its own: the request is a small JSON object (docs/health.md).
 */
import { chmodSync, lstatSync, unlinkSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import type { Logger } from '../util/log.js';
import { ControlError, isLdError } from '../util/errors.js';

/** ControlRequest is what the CLI sends. */
export type ControlRequest =
  | { readonly cmd: 'show' }
  | { readonly cmd: 'drain'; readonly real: string; readonly reason: string }
  | { readonly cmd: 'enable'; readonly real: string };

/** ControlReply: `ok` with a command-specific body, or a coded error. */
export type ControlReply =
  | { readonly ok: true; readonly [k: string]: unknown }
  | { readonly ok: false; readonly code: string; readonly message: string };

/** ControlHandler answers one request (the engine implements it over the director). */
export type ControlHandler = (req: ControlRequest) => Promise<Record<string, unknown>>;

/** MAX_REQUEST_BYTES bounds a request: anything longer is not ours. */
export const MAX_REQUEST_BYTES = 64 * 1024;
/** IDLE_MS: a client that sends no full line in this time is dropped. */
const IDLE_MS = 10_000;

/** parseRequest validates one request line. */
export function parseRequest(line: string): ControlRequest {
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(line) as Record<string, unknown>;
  } catch {
    throw new TypeError('request is not JSON');
  }
  const str = (k: string): string => {
    const v = o?.[k];
    if (typeof v !== 'string' || v === '') throw new TypeError(`"${k}" must be a non-empty string`);
    return v;
  };
  switch (o?.cmd) {
    case 'show': return { cmd: 'show' };
    case 'drain': return { cmd: 'drain', real: str('real'), reason: typeof o.reason === 'string' ? o.reason : '' };
    case 'enable': return { cmd: 'enable', real: str('real') };
    default: throw new TypeError(`unknown command ${JSON.stringify(o?.cmd)}`);
  }
}

function answer(sock: Socket, reply: ControlReply): void {
  sock.end(`${JSON.stringify(reply)}\n`);
}

function serveOne(sock: Socket, handler: ControlHandler, logger: Logger): void {
  let buf = '';
  let done = false;
  sock.setEncoding('utf8');
  sock.setTimeout(IDLE_MS, () => sock.destroy());
  sock.on('error', () => {});
  sock.on('data', (chunk: string) => {
    if (done) return;
    buf += chunk;
    const nl = buf.indexOf('\n');
    if (nl < 0) {
      if (buf.length > MAX_REQUEST_BYTES) { done = true; answer(sock, { ok: false, code: 'LD_ERR_CONTROL', message: 'request too long' }); }
      return;
    }
    done = true;
    let req: ControlRequest;
    try {
      req = parseRequest(buf.slice(0, nl));
    } catch (e) {
      answer(sock, { ok: false, code: 'LD_ERR_CONTROL', message: (e as Error).message });
      return;
    }
    handler(req).then((body) => answer(sock, { ok: true, ...body }), (e: unknown) => {
      if (!isLdError(e)) logger.error(`control request ${req.cmd} failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
      answer(sock, { ok: false, code: isLdError(e) ? e.code : 'LD_ERR_INTERNAL', message: e instanceof Error ? e.message : String(e) });
    });
  });
}

/** ControlServer is a listening control socket. */
export interface ControlServer { readonly path: string; close(): Promise<void> }

/** alive tells whether something accepts connections on a unix socket path. */
function alive(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(path);
    s.once('connect', () => { s.destroy(); resolve(true); });
    s.once('error', () => resolve(false));
  });
}

/**
 * serveControl listens on `path`. A socket left by a dead daemon is replaced; a live one (another
 * daemon for the same config in a foreground mode), a regular file or a symlink is refused with an
 * LD_ERR_CONTROL error: the daemon logs it and runs without a control socket.
 */
export async function serveControl(path: string, handler: ControlHandler, logger: Logger): Promise<ControlServer> {
  let st;
  try { st = lstatSync(path); } catch { st = undefined; }
  if (st) {
    if (!st.isSocket()) throw new ControlError('LD_ERR_CONTROL', `Refusing to replace ${path}: not a socket`);
    if (await alive(path)) throw new ControlError('LD_ERR_CONTROL', `Control socket ${path} is in use by another daemon`);
    unlinkSync(path);
  }
  const server: Server = createServer((sock) => serveOne(sock, handler, logger));
  // The socket is created 0600 (umask around the bind, which listen() does synchronously), so
  // there is no moment at which another user could connect.
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    const old = process.umask(0o177);
    try {
      server.listen(path, () => { server.off('error', reject); resolve(); });
    } finally {
      process.umask(old);
    }
  });
  chmodSync(path, 0o600);
  const ino = lstatSync(path).ino;
  server.unref();
  return {
    path,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      // Only our socket: a later daemon may already have replaced it.
      try { if (lstatSync(path).ino === ino) unlinkSync(path); } catch { /* gone */ }
    }),
  };
}
