import type { Socket } from 'node:net';
import { HTTPParser, type OnHeadersCompleteParser } from 'http-parser-js';
import type { ByteBudget } from './byte-budget.js';
import { openStream, readyEvent, type StreamTarget, type TlsPolicy } from './socket.js';

/** Fetched is one HTTP response, with as much of its body as the check's byte budget allowed. */
export interface Fetched {
  readonly statusCode: number;
  /** The server's reason phrase ("Moved Temporarily"); undici's request() does not expose it. */
  readonly reason: string;
  readonly location?: string;
  readonly body: Buffer;
  /** True when the body was cut by the byte budget (or maxBytes). */
  readonly truncated: boolean;
}

/** BoundedBody keeps the first `max` bytes of a response body (both http transports use it). */
export class BoundedBody {
  private readonly parts: Buffer[] = [];
  private bytes = 0;
  constructor(private readonly max: number) {}

  /** add keeps what still fits of `chunk`; true once `max` bytes are held (stop reading). */
  add(chunk: Buffer): boolean {
    const room = this.max - this.bytes;
    if (chunk.length >= room) {
      this.parts.push(chunk.subarray(0, room));
      this.bytes += room;
      return true;
    }
    this.parts.push(chunk);
    this.bytes += chunk.length;
    return false;
  }

  get buffer(): Buffer {
    return this.parts.length === 1 ? this.parts[0] as Buffer : Buffer.concat(this.parts);
  }
}

/** HEADER_LIMIT bounds the status line and headers of a response (the parser's own cap). */
export const HEADER_LIMIT = 16 * 1024;

/** INTERIM_LIMIT bounds everything read before the final (non-1xx) status and its headers. */
export const INTERIM_LIMIT = 4 * HEADER_LIMIT;

/**
 * CHUNK_LINE_SLACK: a budget that runs out inside a chunked body's framing (a chunk-size line,
 * the CRLF after a chunk) still counts as a cut body when the line pending there is this short;
 * a longer one is an endless chunk-size line, which is a broken response.
 */
const CHUNK_LINE_SLACK = 1024;

/**
 * ParserState is the part of http-parser-js's internals the budget check reads: where in the
 * message the parser is, and the partial line it holds (test/checks/lib/byte-budget.test.ts
 * fails if a version renames them).
 */
interface ParserState { readonly state: string; readonly line: string }

/** cutInBody: is the parser, when the budget ran out, inside a body (not trailers, not an endless line)? */
export function cutInBody(parser: object): boolean {
  const { state, line } = parser as unknown as ParserState;
  return state.startsWith('BODY_') && state !== 'BODY_CHUNKTRAILERS' && line.length <= CHUNK_LINE_SLACK;
}

/** WireError is a transport or protocol failure; `code` is what the check's message shows. */
class WireError extends Error {
  constructor(readonly code: string, message: string) { super(message); }
}

/**
 * fetchWire sends one `Connection: close` request on a new TCP (or TLS) connection and parses
 * the response with http-parser-js. It is the http/https check's client: about a third of
 * undici's CPU per check, because one check is one socket, one write and one parse, with no
 * per-connection client, pool, connector or stream objects (docs/benchmarks.md, "Health
 * checks"). Interim 1xx responses are skipped; at most `maxBytes` of the body are kept (0 = none,
 * and the body of a non-2xx is never read); `signal` aborts it at any stage. Every byte read
 * counts against `budget` (shared by the check's hops): run out inside a 2xx body, the body is
 * returned cut (truncated); anywhere else (headers, interim responses, trailers, an endless
 * chunk-size line) it rejects with the budget's error. Rejects with an error whose `code` is the
 * errno (ECONNREFUSED), HTTP_* for a malformed response or LD_ERR_RESPONSE_LIMIT.
 */
export function fetchWire(
  url: URL, method: 'GET' | 'HEAD', host: string | undefined, signal: AbortSignal, maxBytes: number, budget: ByteBudget,
  tls?: TlsPolicy,
): Promise<Fetched> {
  return new Promise((resolve, reject) => {
    const hostname = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
    const port = Number(url.port) || (tls ? 443 : 80);
    // eslint-disable-next-line prefer-const -- settle() (declared before the socket opens) destroys it
    let socket: Socket;
    const parser = new HTTPParser(HTTPParser.RESPONSE);
    parser.maxHeaderSize = HEADER_LIMIT;
    let statusCode = 0;
    let reason = '';
    let location: string | undefined;
    const body = new BoundedBody(maxBytes);
    let settled = false;

    const settle = (err: unknown, truncated = false): void => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      // Destroyed at once, also after a complete response: the server, asked for Connection:
      // close, has nearly always closed first by then (its FIN is already queued), so TIME_WAIT
      // stays on its side (measured: 5 of 50,000 checks left one on the director).
      socket.destroy();
      if (err !== undefined) reject(err);
      else resolve({ statusCode, reason, location, body: body.buffer, truncated });
    };
    const onAbort = (): void => settle(signal.reason);

    parser[HTTPParser.kOnHeadersComplete] = (info: Parameters<OnHeadersCompleteParser>[0]) => {
      const code = info.statusCode ?? 0;
      // 1xx (100 Continue, 103 Early Hints) are interim: skip their body and read the next message.
      if (code >= 100 && code < 200 && code !== 101) return 1;
      for (let i = 0; i + 1 < info.headers.length; i += 2) {
        const name = (info.headers[i] as string).toLowerCase();
        const value = info.headers[i + 1] as string;
        if (name === 'location') location ??= value;
        // http-parser-js takes a negative or non-numeric Content-Length as a body length and
        // can then walk backwards through the buffer; a throw here ends execute() at once.
        else if (name === 'content-length' && !/^\s*\d+\s*$/.test(value)) {
          throw new WireError('HTTP_BAD_RESPONSE', 'bad HTTP response: invalid Content-Length');
        }
      }
      statusCode = code;
      reason = info.statusMessage ?? '';
      // Only a 2xx body is ever looked at (receive match); stop reading anything else now.
      if (maxBytes === 0 || code < 200 || code > 299) { settle(undefined); return 1; }
      return method === 'HEAD' ? 1 : 0;
    };
    parser[HTTPParser.kOnBody] = (chunk: Buffer, offset: number, length: number) => {
      // A negative chunk size reaches here as a negative length: refuse it (see above).
      if (!(length >= 0)) throw new WireError('HTTP_BAD_RESPONSE', 'bad HTTP response: invalid body length');
      if (settled) return;
      if (body.add(chunk.subarray(offset, offset + length))) settle(undefined, true);
    };
    parser[HTTPParser.kOnMessageComplete] = () => {
      if (statusCode !== 0) settle(undefined);
    };

    let interimBytes = 0;
    const onData = (chunk: Buffer): void => {
      // The header cap is per message: bound a stream of interim 1xx responses as a whole.
      if (statusCode === 0 && (interimBytes += chunk.length) > INTERIM_LIMIT) {
        settle(new WireError('HTTP_BAD_RESPONSE', `bad HTTP response: no final status in ${INTERIM_LIMIT} bytes`));
        return;
      }
      let n: number | Error;
      try {
        n = parser.execute(chunk);
      } catch (e) {
        settle(e);
        return;
      }
      if (n instanceof Error) settle(new WireError('HTTP_BAD_RESPONSE', `bad HTTP response: ${n.message}`));
    };
    // meter() delivered what fit, then destroyed the socket with the budget's error: a cut
    // inside a 2xx body returns the body read so far, a cut anywhere else is the error.
    const onError = (e: Error): void => {
      if (!budget.exceeded) settle(e);
      else settle(statusCode !== 0 && cutInBody(parser) ? undefined : budget.error(), true);
    };
    const onEnd = (): void => {
      if (settled) return;
      // A body delimited by the close completes here; anything else was cut short.
      let err: unknown;
      try {
        err = parser.finish();
      } catch (e) {
        err = e;
      }
      if (settled) return;
      settle(err instanceof WireError ? err : new WireError('HTTP_INCOMPLETE', statusCode === 0 ? 'connection closed before a response' : 'response cut short'));
    };

    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const request = `${method} ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${host ?? url.host}\r\nConnection: close\r\n\r\n`;
    // An https hop: TLS with the check's policy (SNI: its name, else the URL's host; never an IP).
    const target: StreamTarget = tls ? { host: hostname, port, tls } : { host: hostname, port };
    socket = openStream(target, budget);
    socket.once(readyEvent(target), () => socket.write(request));
    signal.addEventListener('abort', onAbort, { once: true });
    socket.on('data', onData);
    socket.on('end', onEnd);
    socket.on('error', onError);
    socket.on('close', () => { if (!settled) settle(new WireError('HTTP_INCOMPLETE', 'connection closed before a response')); });
  });
}
