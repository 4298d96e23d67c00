import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { Socket, isIP } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import type { CheckOptions, CheckTarget } from '../types.js';
import type { Deadline } from './deadline.js';
import { meter, meterDatagrams, type ByteBudget } from './byte-budget.js';

/** targetPort is the port to check: spec.checkPort when set, else the service's well-known port. */
export function targetPort(spec: Pick<CheckTarget, 'checkPort'>, wellKnown: number): number {
  return spec.checkPort > 0 ? spec.checkPort : wellKnown;
}

/**
 * TlsPolicy: how a check speaks TLS. `verify` checks the certificate (off unless
 * httpsverify=yes, as the original); `name` is the name to send as SNI and check the
 * certificate against, when the check has one (virtualhost, with verify: tlsPolicy).
 */
export interface TlsPolicy {
  readonly verify: boolean;
  readonly name?: string;
}

/** tlsPolicy is a check's TLS policy from its spec: virtualhost is the name only when verifying. */
export function tlsPolicy(spec: Pick<CheckOptions, 'tlsVerify' | 'virtualHost'>): TlsPolicy {
  return { verify: spec.tlsVerify, ...(spec.tlsVerify && spec.virtualHost ? { name: spec.virtualHost } : {}) };
}

/**
 * tlsOptions is the one SNI rule: send the policy's name, else the host connected to, but never
 * an IP literal (RFC 6066; Node refuses one), so a check of an IP sends none where the
 * original's IO::Socket::SSL sent the IP.
 */
export function tlsOptions(policy: TlsPolicy, host?: string): { rejectUnauthorized: boolean; servername?: string } {
  const name = policy.name ?? host;
  return { rejectUnauthorized: policy.verify, ...(name !== undefined && name !== '' && isIP(name) === 0 ? { servername: name } : {}) };
}

/** StreamTarget: where a check connects, over TCP, or TLS from the first byte when `tls` is set. */
export interface StreamTarget {
  readonly host: string;
  readonly port: number;
  readonly tls?: TlsPolicy;
}

/**
 * openStream starts the connection to `t` and returns its socket at once (metered with `budget`
 * when given); the socket emits readyEvent(t) once connected (and the handshake is done). For
 * callers that write on connect without a promise per check (the http check's hot path) and
 * libraries that take a socket factory (ldapts).
 */
export function openStream(t: StreamTarget, budget?: ByteBudget): Socket | TLSSocket {
  const socket = t.tls !== undefined
    ? tlsConnect({ host: t.host, port: t.port, ...tlsOptions(t.tls, t.host) })
    : new Socket().connect({ host: t.host, port: t.port });
  return budget ? meter(socket, budget) : socket;
}

/** readyEvent is the event that says a socket from openStream is connected. */
export function readyEvent(t: StreamTarget): 'connect' | 'secureConnect' {
  return t.tls !== undefined ? 'secureConnect' : 'connect';
}

/**
 * connectStream opens a TCP or TLS connection to `t` and resolves once it is established (TLS:
 * handshake done). An abort of `signal` destroys the socket and rejects with the signal's
 * reason; a connect or handshake error rejects with that error (its `code` is the errno name or
 * OpenSSL's). The caller owns the returned socket. A check that reads from it passes its byte
 * budget (the connect check reads nothing).
 */
export function connectStream<T extends StreamTarget>(
  t: T, signal: AbortSignal, budget?: ByteBudget,
): Promise<T extends { tls: TlsPolicy } ? TLSSocket : Socket> {
  type Out = T extends { tls: TlsPolicy } ? TLSSocket : Socket;
  return new Promise((resolve, reject) => {
    if (signal.aborted) { reject(signal.reason); return; }
    const socket = openStream(t, budget);
    const ready = readyEvent(t);
    const onAbort = (): void => { socket.destroy(); reject(signal.reason); };
    const cleanup = (): void => {
      signal.removeEventListener('abort', onAbort);
      socket.removeListener('error', onError);
      socket.removeListener(ready, onConnect);
    };
    const onError = (err: Error): void => { cleanup(); socket.destroy(); reject(err); };
    const onConnect = (): void => { cleanup(); resolve(socket as Out); };
    signal.addEventListener('abort', onAbort, { once: true });
    socket.once('error', onError);
    socket.once(ready, onConnect);
  });
}

/** connectTcp is connectStream over plain TCP. */
export function connectTcp(host: string, port: number, signal: AbortSignal, budget?: ByteBudget): Promise<Socket> {
  return connectStream({ host, port }, signal, budget);
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
