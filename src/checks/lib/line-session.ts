/**
 * LineSession: one client connection for a line-oriented protocol (SMTP, POP3, IMAP, NNTP),
 * plain TCP or implicit TLS. It exists so that every such check shares one implementation of
 * the three rules of the check contract: the socket dies with the deadline's signal, it reads
 * no more than the check's byte budget (meter()), and close() always releases the socket.
 */
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { fail } from './deadline.js';
import { clip } from './result.js';
import type { ByteBudget } from './byte-budget.js';
import { connectStream } from './socket.js';

/** SessionOptions says where to connect and how. */
export interface SessionOptions {
  readonly host: string;
  readonly port: number;
  /** Implicit TLS from the first byte (pops, imaps). */
  readonly tls: boolean;
  /** Verify the certificate (and send SNI when host is a name); off as in the original. */
  readonly tlsVerify: boolean;
  /** The check's byte bound: more is a failure (the budget's error), never a bigger buffer. */
  readonly budget: ByteBudget;
  readonly signal: AbortSignal;
}

/** LineSession reads CRLF/LF-terminated lines and writes commands on one socket. */
export class LineSession {
  private readonly socket: Socket | TLSSocket;
  private buffer = '';
  /**
   * False while `buffer` is known to hold no LF. Each chunk is checked for one as it arrives;
   * the buffer itself is only searched when there is something to find. Searching a string built
   * by += copies all of it (V8 flattens it first), so searching an endless line on every chunk
   * would cost its whole length again per chunk: 12 s of CPU for 16 MiB.
   */
  private hasLf = false;
  private ended = false;
  private error: unknown;
  private waiter: (() => void) | undefined;
  private readonly onAbort: () => void;
  private readonly signal: AbortSignal;

  private constructor(socket: Socket | TLSSocket, opts: SessionOptions) {
    this.socket = socket;
    this.signal = opts.signal;
    this.onAbort = () => this.destroy(opts.signal.reason);
    opts.signal.addEventListener('abort', this.onAbort, { once: true });
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('end', () => { this.ended = true; this.wake(); });
    socket.on('close', () => { this.ended = true; this.wake(); });
    socket.on('error', (err) => { this.error ??= err; this.wake(); });
  }

  /** open connects (and completes the TLS handshake) or rejects; the signal cancels it. */
  static open(opts: SessionOptions): Promise<LineSession> {
    const target = { host: opts.host, port: opts.port, ...(opts.tls ? { tls: { verify: opts.tlsVerify } } : {}) };
    return connectStream(target, opts.signal, opts.budget).then((socket) => new LineSession(socket, opts));
  }

  /** readLine resolves the next line without its terminator; a closed peer is a failure. */
  async readLine(): Promise<string> {
    for (;;) {
      const nl = this.hasLf ? this.buffer.indexOf('\n') : -1;
      if (nl >= 0) {
        const line = this.buffer.slice(0, nl);
        this.buffer = this.buffer.slice(nl + 1);
        return line.endsWith('\r') ? line.slice(0, -1) : line;
      }
      this.hasLf = false;
      if (this.error !== undefined) throw this.error;
      if (this.ended) {
        throw fail(this.buffer === '' ? 'connection closed by server' : `connection closed after "${clipLine(this.buffer)}"`);
      }
      await new Promise<void>((resolve) => { this.waiter = resolve; });
    }
  }

  /**
   * readChunk resolves whatever arrives first, cut to `limit` bytes (NNTP reads one greeting
   * of at most 64 bytes); an empty string means the peer closed without sending anything.
   */
  async readChunk(limit: number): Promise<string> {
    while (this.buffer === '' && !this.ended && this.error === undefined) {
      await new Promise<void>((resolve) => { this.waiter = resolve; });
    }
    if (this.buffer === '' && this.error !== undefined) throw this.error;
    const out = this.buffer.slice(0, limit);
    this.buffer = this.buffer.slice(out.length);
    return out;
  }

  /** send writes one command line, adding CRLF. A CR or LF inside would smuggle a command. */
  send(line: string): void {
    if (/[\r\n]/.test(line)) throw fail('refusing to send a command containing CR or LF');
    this.socket.write(`${line}\r\n`);
  }

  /** close releases the socket now (FIN first so polite servers see a clean end). */
  close(): void {
    this.destroy(undefined);
  }

  private destroy(reason: unknown): void {
    this.signal.removeEventListener('abort', this.onAbort);
    if (reason !== undefined) this.error ??= reason;
    this.socket.end();
    this.socket.destroy();
    this.ended = true;
    this.wake();
  }

  private onData(chunk: Buffer): void {
    // latin1 keeps one char per byte, so the byte bound is also a string-length bound.
    this.buffer += chunk.toString('latin1');
    if (!this.hasLf && chunk.includes(0x0a)) this.hasLf = true;
    this.wake();
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = undefined;
    w?.();
  }
}

/** clipLine shortens a server line for a message: its line end dropped, at most 120 characters. */
export function clipLine(text: string, limit = 120): string {
  return clip(text.replace(/[\r\n]+$/, ''), limit);
}
