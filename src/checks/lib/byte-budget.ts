/**
 * The one bound on what a check reads: every byte that arrives on any socket of one check (all
 * http hops, the ftp control and data connections, every UDP datagram) counts against one
 * ByteBudget of `maxresponsebytes`, whatever part of whatever protocol it belongs to (status
 * line, headers, chunk framing, trailers, multi-line replies, length-prefixed frames). Parsers
 * and libraries then never hold more than that, however a server lies about lengths or never
 * ends a line. It is enforced in one place, meter(): a socket's own emit is wrapped so that a
 * chunk is counted before any listener (ours or a library's) sees it.
 */
import type { Socket as UdpSocket } from 'node:dgram';
import type { Socket } from 'node:net';
import { CheckError, LdError } from '../../util/errors.js';

/** ByteBudget counts the bytes one check has read; it never grows past `max`. */
export class ByteBudget {
  private used = 0;
  private over = false;
  constructor(readonly max: number) {}

  /** take counts a chunk of `n` bytes and returns how many of them still fit (n when all do). */
  take(n: number): number {
    const fit = Math.min(n, this.max - this.used);
    this.used += fit;
    if (fit < n) this.over = true;
    return fit;
  }

  /** bytes read so far (at most max). */
  get bytes(): number { return this.used; }

  /** exceeded is true once more than `max` bytes were offered: the check read all it may. */
  get exceeded(): boolean { return this.over; }

  /** error is what a check reports once the budget is exceeded. */
  error(): LdError {
    return new CheckError('LD_ERR_RESPONSE_LIMIT', `response exceeds ${this.max} bytes`);
  }
}

/** Inspect may reject a chunk for what it holds (pg-frames.ts): the reason, or undefined. */
export type Inspect = (chunk: Buffer) => string | undefined;

/**
 * meter makes `socket` count every 'data' chunk against `budget` before any listener sees it.
 * The part that still fits is delivered; past the bound the socket is destroyed with the
 * budget's error (after the listeners saw that last part, so a body reader can keep what it got).
 * Also: `inspect` may refuse a chunk (destroyed with that reason, nothing delivered), and a throw
 * from a 'data' listener (a library's parser) becomes a socket error instead of an uncaught
 * exception that would take the daemon down. A no-op 'error' listener keeps an error that
 * arrives after its owner stopped listening from being thrown on the event loop.
 */
export function meter<T extends Socket>(socket: T, budget: ByteBudget, inspect?: Inspect): T {
  const emit = socket.emit.bind(socket) as (event: string | symbol, ...args: unknown[]) => boolean;
  socket.on('error', ignore);
  socket.emit = ((event: string | symbol, ...args: unknown[]): boolean => {
    if (event !== 'data') return emit(event, ...args);
    // A listener running after a destroy() would still get the chunk.
    if (socket.destroyed) return false;
    const chunk = args[0] as Buffer;
    const bad = inspect?.(chunk);
    if (bad !== undefined) {
      socket.destroy(new CheckError('LD_ERR_CHECK', bad));
      return false;
    }
    const fit = budget.take(chunk.length);
    try {
      if (fit > 0) emit(event, fit === chunk.length ? chunk : chunk.subarray(0, fit));
    } catch (e) {
      socket.destroy(e instanceof Error ? e : new Error(String(e)));
      return false;
    }
    if (budget.exceeded) socket.destroy(budget.error());
    return true;
  }) as typeof socket.emit;
  return socket;
}

/**
 * meterDatagrams counts every datagram `socket` receives against `budget`. One that does not fit
 * whole is not delivered: an 'error' with the budget's error is emitted instead (the kernel
 * already bounds one datagram; this bounds a flood of them).
 */
export function meterDatagrams(socket: UdpSocket, budget: ByteBudget): UdpSocket {
  const emit = socket.emit.bind(socket) as (event: string | symbol, ...args: unknown[]) => boolean;
  socket.emit = ((event: string | symbol, ...args: unknown[]): boolean => {
    if (event !== 'message') return emit(event, ...args);
    const msg = args[0] as Buffer;
    if (budget.take(msg.length) < msg.length) return emit('error', budget.error());
    return emit(event, ...args);
  }) as typeof socket.emit;
  return socket;
}

function ignore(): void { /* see meter() */ }
