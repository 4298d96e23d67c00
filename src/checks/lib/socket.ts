import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { Socket, isIP } from 'node:net';
import type { CheckSpec } from '../types.js';
import type { Deadline } from './deadline.js';
import { meter, meterDatagrams, type ByteBudget } from './byte-budget.js';

/** targetPort is the port to check: spec.checkPort when set, else the service's well-known port. */
export function targetPort(spec: CheckSpec, wellKnown: number): number {
  return spec.checkPort > 0 ? spec.checkPort : wellKnown;
}

/**
 * connectTcp opens a TCP connection to host:port and resolves once it is established. An abort
 * of `signal` destroys the socket and rejects with the signal's reason; a connect error rejects
 * with that error (its `code` is the errno name). The caller owns the returned socket. A check
 * that reads from it passes its byte budget (the connect check reads nothing).
 */
export function connectTcp(host: string, port: number, signal: AbortSignal, budget?: ByteBudget): Promise<Socket> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) { reject(signal.reason); return; }
    const socket = budget ? meter(new Socket(), budget) : new Socket();
    const onAbort = (): void => { socket.destroy(); reject(signal.reason); };
    const cleanup = (): void => {
      signal.removeEventListener('abort', onAbort);
      socket.removeListener('error', onError);
      socket.removeListener('connect', onConnect);
    };
    const onError = (err: Error): void => { cleanup(); socket.destroy(); reject(err); };
    const onConnect = (): void => { cleanup(); resolve(socket); };
    signal.addEventListener('abort', onAbort, { once: true });
    socket.once('error', onError);
    socket.once('connect', onConnect);
    socket.connect({ host, port });
  });
}

/** UdpHandlers: what a UDP check does with its connected socket. */
export interface UdpHandlers {
  /** connected runs once the socket is connected: send from here. */
  connected(socket: UdpSocket): void;
  message(msg: Buffer): void;
  error(err: Error): void;
}

/**
 * connectUdp opens a UDP socket (udp6 for an IPv6 host) connected to host:port, closed by the
 * deadline's releases. A connected socket only delivers datagrams from the real server, and
 * reports ICMP port-unreachable as ECONNREFUSED instead of leaving us to wait for the deadline.
 * Every datagram counts against the deadline's byte budget; past it, on.error gets its error.
 */
export function connectUdp(host: string, port: number, d: Pick<Deadline, 'defer' | 'budget'>, on: UdpHandlers): UdpSocket {
  const socket = meterDatagrams(createSocket(isIP(host) === 6 ? 'udp6' : 'udp4'), d.budget);
  d.defer(() => socket.close());
  socket.on('error', on.error);
  socket.on('message', on.message);
  socket.connect(port, host, () => on.connected(socket));
  return socket;
}

/** ReadOutcome says how a bounded read ended. */
export interface ReadOutcome {
  /** The line (without its newline) that satisfied the predicate, if any. */
  readonly matched?: string;
  /** Bytes received in total. */
  readonly bytes: number;
  /** True when reading stopped at the byte budget (a match then is in the line cut there). */
  readonly truncated: boolean;
}

/**
 * readLines reads `socket` (metered with `budget`, see connectTcp) line by line (LF-terminated;
 * the last line may lack one) until `match(line)` is true, the peer closes, or the budget runs
 * out (truncated; the partial line at the cut is tested too). Abort and socket errors reject.
 * The socket is left open: the caller destroys it.
 */
export function readLines(
  socket: Socket, signal: AbortSignal, budget: ByteBudget, match: (line: string) => boolean,
): Promise<ReadOutcome> {
  return new Promise((resolve, reject) => {
    // pending never holds an LF: it is the partial line. Only a chunk with an LF makes it be
    // searched (see LineSession.hasLf: a search of a string built by += copies all of it).
    let pending = '';
    let bytes = 0;
    let done = false;
    const finish = (err: unknown, outcome?: ReadOutcome): void => {
      if (done) return;
      done = true;
      signal.removeEventListener('abort', onAbort);
      socket.removeListener('data', onData);
      socket.removeListener('end', onEnd);
      socket.removeListener('close', onEnd);
      socket.removeListener('error', onError);
      socket.pause();
      if (err !== undefined) reject(err); else resolve(outcome as ReadOutcome);
    };
    const test = (line: string, truncated = false): boolean => {
      const l = line.endsWith('\r') ? line.slice(0, -1) : line;
      if (match(l)) { finish(undefined, { matched: l, bytes, truncated }); return true; }
      return false;
    };
    const onData = (chunk: Buffer): void => {
      bytes += chunk.length;
      let from = 0;
      const start = pending.length;
      pending += chunk.toString('latin1');
      for (let nl = chunk.includes(0x0a) ? pending.indexOf('\n', start) : -1; nl >= 0; nl = pending.indexOf('\n', from)) {
        const line = pending.slice(from, nl);
        from = nl + 1;
        if (test(line)) return;
      }
      if (from > 0) pending = pending.slice(from);
      // meter() delivered what fit of this chunk and destroys the socket next.
      if (budget.exceeded) {
        if (pending !== '' && test(pending, true)) return;
        finish(undefined, { bytes, truncated: true });
      }
    };
    const onEnd = (): void => {
      if (pending !== '' && test(pending)) return;
      finish(undefined, { bytes, truncated: false });
    };
    const onError = (err: Error): void => {
      if (!budget.exceeded) { finish(err); return; }
      // meter() destroyed the socket: the budget ran out (after a chunk that fit exactly).
      if (pending !== '' && test(pending, true)) return;
      finish(undefined, { bytes, truncated: true });
    };
    const onAbort = (): void => finish(signal.reason);
    if (signal.aborted) { finish(signal.reason); return; }
    signal.addEventListener('abort', onAbort, { once: true });
    socket.on('data', onData);
    socket.once('end', onEnd);
    socket.once('close', onEnd);
    socket.once('error', onError);
    socket.resume();
  });
}
