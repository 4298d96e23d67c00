import type { Dispatcher } from 'undici';

/** Fetched is one HTTP response, with at most `maxBytes` of its body. */
export interface Fetched {
  readonly statusCode: number;
  /** The server's reason phrase ("Moved Temporarily"); undici's request() does not expose it. */
  readonly reason: string;
  readonly location?: string;
  readonly body: Buffer;
  /** True when the body was cut at maxBytes. */
  readonly truncated: boolean;
}

/**
 * fetchOnce sends one request over `dispatcher` (with `Connection: close`) and collects the
 * response through undici's handler API: no stream objects, the body is kept only up to
 * `maxBytes` (0 = not at all) and the request is aborted as soon as nothing more is needed.
 * `signal` aborts it at any stage. The dispatcher is closed (or destroyed) before this settles.
 */
export function fetchOnce(
  dispatcher: Dispatcher, url: URL, method: 'GET' | 'HEAD', host: string | undefined, signal: AbortSignal, maxBytes: number,
): Promise<Fetched> {
  return new Promise((resolve, reject) => {
    let controller: Dispatcher.DispatchController | undefined;
    let statusCode = 0;
    let reason = '';
    let location: string | undefined;
    const parts: Buffer[] = [];
    let bytes = 0;
    let settled = false;
    const settle = (err: unknown, truncated = false, complete = false): void => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      if (!complete) controller?.abort(ENOUGH);
      // close() after a complete response avoids the error object destroy() builds per client.
      (complete ? dispatcher.close() : dispatcher.destroy()).catch(() => undefined);
      if (err !== undefined) reject(err);
      else resolve({ statusCode, reason, location, body: parts.length === 1 ? parts[0] as Buffer : Buffer.concat(parts), truncated });
    };
    const onAbort = (): void => settle(signal.reason);
    if (signal.aborted) { onAbort(); return; }
    signal.addEventListener('abort', onAbort, { once: true });
    const headers: Record<string, string> = { connection: 'close' };
    if (host !== undefined) headers.host = host;
    const handler: Dispatcher.DispatchHandler = {
      onRequestStart(c) {
        controller = c;
        if (settled) c.abort(ENOUGH);
      },
      onResponseStart(_c, code, hdrs, message) {
        statusCode = code;
        reason = message ?? '';
        const loc = hdrs.location;
        location = Array.isArray(loc) ? loc[0] : loc;
        // Only a 2xx body is ever looked at (receive match); skip reading anything else.
        if (maxBytes === 0 || code < 200 || code > 299) settle(undefined);
      },
      onResponseData(_c, chunk) {
        if (settled) return;
        const room = maxBytes - bytes;
        if (chunk.length >= room) {
          parts.push(chunk.subarray(0, room));
          bytes += room;
          settle(undefined, true);
          return;
        }
        parts.push(chunk);
        bytes += chunk.length;
      },
      onResponseEnd() { settle(undefined, false, true); },
      onResponseError(_c, err) { settle(err); },
    };
    const origin = url.origin;
    const path = `${url.pathname}${url.search}`;
    try {
      dispatcher.dispatch({ origin, path, method, headers, reset: true }, handler);
    } catch (e) {
      settle(e);
    }
  });
}

/** ENOUGH is the abort reason when the rest of a response is not needed (not an error). */
const ENOUGH = Object.freeze({ name: 'ResponseNotNeeded', message: 'response not needed' });
