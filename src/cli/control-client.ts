/** The CLI side of the control socket: one request line out, one reply line back. */
import { connect } from 'node:net';
import type { ControlReply, ControlRequest } from '../daemon/control.js';
import { ControlError } from '../util/errors.js';

/** NoDaemon: nothing listens on the socket (absent, or left by a dead daemon). */
export class NoDaemon extends ControlError {
  constructor(path: string, readonly reason: string) {
    super('LD_ERR_CONTROL', `no daemon answers on ${path} (${reason})`);
  }
}

/** MAX_REPLY_BYTES bounds the reply read (the view of 10,000 reals is about 4 MB). */
const MAX_REPLY_BYTES = 256 * 1024 * 1024;

/** controlRequest sends `req` to the daemon at `path` and resolves with its reply. */
export function controlRequest(path: string, req: ControlRequest, timeoutMs: number): Promise<ControlReply> {
  return new Promise((resolve, reject) => {
    const sock = connect(path);
    const chunks: Buffer[] = [];
    let size = 0;
    let connected = false;
    sock.setTimeout(timeoutMs, () => {
      sock.destroy();
      reject(new ControlError('LD_ERR_CONTROL', `the daemon did not answer on ${path} within ${timeoutMs / 1000} s`));
    });
    sock.on('connect', () => { connected = true; sock.write(`${JSON.stringify(req)}\n`); });
    sock.on('data', (b: Buffer) => {
      size += b.length;
      if (size > MAX_REPLY_BYTES) { sock.destroy(); reject(new ControlError('LD_ERR_CONTROL', 'reply too long')); return; }
      chunks.push(b);
    });
    sock.on('error', (e: NodeJS.ErrnoException) => {
      if (!connected && (e.code === 'ENOENT' || e.code === 'ECONNREFUSED' || e.code === 'ENOTSOCK')) reject(new NoDaemon(path, e.code));
      else reject(new ControlError('LD_ERR_CONTROL', `control socket ${path}: ${e.code ?? e.message}`));
    });
    sock.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8').trim();
      try {
        resolve(JSON.parse(text) as ControlReply);
      } catch {
        reject(new ControlError('LD_ERR_CONTROL', `unreadable reply on ${path}`));
      }
    });
  });
}
