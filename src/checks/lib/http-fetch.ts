/**
 * The http_proxy check's transport: undici, loaded only when a proxy check runs (http and https
 * use http-wire.ts, so a director without proxy checks never loads undici).
 */
import type { Socket } from 'node:net';
import { Client, ProxyAgent, type Dispatcher, type buildConnector } from 'undici';
import type { HttpSpec } from './http-get.js';
import { BoundedBody, type Fetched } from './http-wire.js';
import { hostPart } from './host-part.js';
import { tlsOptions, tlsPolicy } from './socket.js';
import { meter, ByteBudget } from './byte-budget.js';

/**
 * fetchOnce sends one request over `dispatcher` (with `Connection: close`) and collects the
 * response through undici's handler API: no stream objects, the body is kept only up to
 * `maxBytes` (0 = not at all) and the request is aborted as soon as nothing more is needed.
 * `signal` aborts it at any stage. The dispatcher is closed (or destroyed) before this settles.
 * When the dispatcher's sockets are metered with `budget` and it runs out, a 2xx body read so
 * far is returned cut (truncated); before the body, the budget's error rejects.
 */
export function fetchOnce(
  dispatcher: Dispatcher, url: URL, method: 'GET' | 'HEAD', host: string | undefined, signal: AbortSignal, maxBytes: number,
  budget: ByteBudget = new ByteBudget(Infinity),
): Promise<Fetched> {
  return new Promise((resolve, reject) => {
    let controller: Dispatcher.DispatchController | undefined;
    let statusCode = 0;
    let reason = '';
    let location: string | undefined;
    const body = new BoundedBody(maxBytes);
    let settled = false;
    const settle = (err: unknown, truncated = false, complete = false): void => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      if (!complete) controller?.abort(ENOUGH);
      // close() after a complete response avoids the error object destroy() builds per client.
      (complete ? dispatcher.close() : dispatcher.destroy()).catch(() => undefined);
      if (err !== undefined) reject(err);
      else resolve({ statusCode, reason, location, body: body.buffer, truncated });
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
        if (body.add(chunk)) settle(undefined, true);
      },
      onResponseEnd() { settle(undefined, false, true); },
      onResponseError(_c, err) {
        if (!budget.exceeded) settle(err);
        else if (statusCode !== 0) settle(undefined, true);
        else settle(budget.error());
      },
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

/**
 * proxyDispatcher builds a fresh undici ProxyAgent for one hop of an http_proxy check, so every
 * check opens a new connection as the original does (a new LWP::UserAgent per check). undici's
 * own timers are set past the deadline: the check's AbortSignal bounds the whole check. The
 * connection that carries the response (to the proxy, or the tunnel through it) is metered with
 * the check's byte budget; the CONNECT reply itself is bounded by undici's header limit.
 */
function proxyDispatcher(spec: HttpSpec, budget: ByteBudget): Dispatcher {
  const slack = spec.timeoutMs + 1000;
  const tls = tlsOptions(tlsPolicy(spec));
  // proxyTunnel false: an absolute-form GET through the proxy for http URLs, as LWP sends;
  // a CONNECT tunnel would be refused by most proxies for port 80.
  return new ProxyAgent({
    uri: `http://${hostPart(spec.realAddress)}:${spec.checkPort}/`, proxyTunnel: false,
    headersTimeout: slack, bodyTimeout: slack, connect: { timeout: slack, ...tls }, requestTls: tls,
    factory: (origin, opts) => {
      const o = opts as Client.Options;
      // ProxyAgent always hands its factory a connector function (to the proxy, or the tunnel).
      return new Client(origin, { ...o, ...(typeof o.connect === 'function' ? { connect: metered(o.connect, budget) } : {}) });
    },
  });
}

/** metered wraps an undici connector so that the socket it makes counts against `budget`. */
function metered(connect: buildConnector.connector, budget: ByteBudget): buildConnector.connector {
  return (opts, callback) => connect(opts, (err, socket) => {
    if (err !== null) callback(err, null);
    else callback(null, meter(socket as Socket, budget));
  });
}

/** fetchThroughProxy fetches one hop of an http_proxy check through the real (the proxy). */
export function fetchThroughProxy(
  spec: HttpSpec, url: URL, host: string | undefined, signal: AbortSignal, maxBytes: number, budget: ByteBudget,
): Promise<Fetched> {
  return fetchOnce(proxyDispatcher(spec, budget), url, spec.httpMethod, host, signal, maxBytes, budget);
}
