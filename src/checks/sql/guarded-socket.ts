/**
 * guardedSocket is a TCP socket handed to a database driver that parses replies inside its own
 * 'data' listener (pg-protocol does). Two things a misbehaving server could otherwise do to the
 * whole daemon are turned into a socket error, which the driver reports as a failed check:
 *  - a parser throw inside 'data' (an unknown authentication kind, a negative count) escapes to
 *    the event loop as an uncaught exception;
 *  - a message announcing any length (up to 1 GiB) is buffered in full, so a server streaming
 *    bytes grows the heap until the driver throws ERR_STRING_TOO_LONG or the heap runs out.
 * More than `maxBytes` received in total destroys the socket with "response exceeds N bytes";
 * `inspect` may reject a chunk for what it contains (pg-frames.ts).
 */
import { Socket } from 'node:net';
import { fail } from '../lib/deadline.js';

export function guardedSocket(maxBytes: number, inspect?: (chunk: Buffer) => string | undefined): Socket {
  const socket = new Socket();
  let bytes = 0;
  // Only this socket's own emit is wrapped. A chunk is checked before any 'data' listener sees
  // it (a listener that runs after a destroy() still gets the chunk), and a throw from a 'data'
  // listener (the driver's parser) becomes a socket error instead of leaving a libuv callback.
  const emit = socket.emit.bind(socket) as (event: string | symbol, ...args: unknown[]) => boolean;
  socket.emit = ((event: string | symbol, ...args: unknown[]): boolean => {
    if (event !== 'data') return emit(event, ...args);
    if (socket.destroyed) return false;
    const chunk = args[0] as Buffer;
    bytes += chunk.length;
    const bad = bytes > maxBytes ? `response exceeds ${maxBytes} bytes` : inspect?.(chunk);
    if (bad !== undefined) {
      socket.destroy(fail(bad));
      return false;
    }
    try {
      return emit(event, ...args);
    } catch (e) {
      socket.destroy(e instanceof Error ? e : new Error(String(e)));
      return false;
    }
  }) as typeof socket.emit;
  return socket;
}
