import { STATUS_CODES } from 'node:http';
import { Agent, ProxyAgent, interceptors, request, type Dispatcher } from 'undici';
import type { CheckResult, CheckSpec } from '../types.js';
import { checkResult, clip, compileReceive, errorMessage, perlTest } from './result.js';

/** MAX_REDIRECTS matches LWP::UserAgent's default max_redirect (GET and HEAD only). */
export const MAX_REDIRECTS = 7;

const ABSOLUTE = /^[a-z][a-z0-9+.-]*:\/\//i;

/** hostPart brackets an IPv6 literal for URLs and Host headers. */
export function hostPart(addr: string): string {
  return addr.includes(':') ? `[${addr}]` : addr;
}

/**
 * checkUrl is what an http(s) check fetches: the request verbatim when it is an absolute URL,
 * else `<scheme>://<rip>:<checkport><request>` (ldirectord builds $$r{url} the same way).
 */
export function checkUrl(spec: CheckSpec, scheme: 'http' | 'https'): string {
  if (ABSOLUTE.test(spec.request)) return spec.request;
  return `${scheme}://${hostPart(spec.realAddress)}:${spec.checkPort}${spec.request}`;
}

/** HttpGetMode selects how the connection is made. */
export type HttpGetMode = 'direct' | 'proxy';

/**
 * dispatcherFor builds a fresh dispatcher for one check, so every check opens a new connection
 * as the original does (a new LWP::UserAgent per check). undici's own timers are set past the
 * deadline: the check's AbortSignal is what bounds connect + request + body as one budget.
 */
/**
 * statusLineInterceptor records the final response's reason phrase: undici's request() only
 * exposes the code, and the original's message is the server's own status line ("302 Moved
 * Temporarily" from nginx, not "302 Found"). Composed outside the redirect interceptor, it sees
 * only the final response.
 */
function statusLineInterceptor(sink: { reason?: string }): Dispatcher.DispatcherComposeInterceptor {
  return (dispatch) => (opts, handler) => dispatch(opts, {
    onRequestStart: (c, ctx) => handler.onRequestStart?.(c, ctx),
    onRequestUpgrade: (c, code, headers, socket) => handler.onRequestUpgrade?.(c, code, headers, socket),
    onResponseStart: (c, code, headers, reason) => {
      sink.reason = reason;
      return handler.onResponseStart?.(c, code, headers, reason);
    },
    onResponseData: (c, chunk) => handler.onResponseData?.(c, chunk),
    onResponseEnd: (c, trailers) => handler.onResponseEnd?.(c, trailers),
    onResponseError: (c, err) => handler.onResponseError?.(c, err),
  });
}

function dispatcherFor(spec: CheckSpec, mode: HttpGetMode, sink: { reason?: string }): { base: Dispatcher; use: Dispatcher } {
  const slack = spec.timeoutMs + 1000;
  const tls = spec.tlsVerify
    ? { rejectUnauthorized: true, ...(spec.virtualHost ? { servername: spec.virtualHost } : {}) }
    : { rejectUnauthorized: false };
  const common = { headersTimeout: slack, bodyTimeout: slack, connections: 1, pipelining: 1 };
  const base: Dispatcher = mode === 'proxy'
    // proxyTunnel false: absolute-form GET through the proxy for http URLs, as LWP does;
    // a CONNECT tunnel would be refused by most proxies for port 80.
    ? new ProxyAgent({ uri: `http://${hostPart(spec.realAddress)}:${spec.checkPort}/`, proxyTunnel: false, ...common, connect: { timeout: slack, ...tls }, requestTls: tls })
    : new Agent({ ...common, connect: { timeout: slack, ...tls } });
  return { base, use: base.compose(interceptors.redirect({ maxRedirections: MAX_REDIRECTS }), statusLineInterceptor(sink)) };
}

/** readBounded reads at most `max` bytes of `body`, then destroys it. */
async function readBounded(body: AsyncIterable<Buffer> & { destroy(): unknown }, max: number): Promise<{ text: string; truncated: boolean }> {
  const parts: Buffer[] = [];
  let n = 0;
  for await (const chunk of body) {
    const room = max - n;
    if (chunk.length >= room) {
      parts.push(chunk.subarray(0, room));
      n += room;
      body.destroy();
      return { text: Buffer.concat(parts).toString('utf8'), truncated: true };
    }
    parts.push(chunk);
    n += chunk.length;
  }
  return { text: Buffer.concat(parts).toString('utf8'), truncated: false };
}

/**
 * httpGet runs one http/https/http_proxy check (ldirectord check_http L2975-3070): up when the
 * final status (after up to 7 redirects) is 2xx and the body matches `receive` (or receive is
 * empty). Headers are not searched. The message is the status line, or the body on a 2xx
 * mismatch, or the error code.
 */
export async function httpGet(spec: CheckSpec, signal: AbortSignal, scheme: 'http' | 'https', mode: HttpGetMode): Promise<CheckResult> {
  const started = performance.now();
  const re = spec.receive === '' ? undefined : compileReceive(spec.receive);
  if (typeof re === 'string') return checkResult(false, re, started);
  const url = checkUrl(spec, scheme);
  const sink: { reason?: string } = {};
  const { base, use } = dispatcherFor(spec, mode, sink);
  try {
    // http_proxy: the Host comes from the URL (LWP proxy behaviour); otherwise the virtualhost
    // or the bare real IP, even when the request is an absolute URL (ref §3.2).
    const headers = mode === 'proxy' ? {} : { host: spec.virtualHost || hostPart(spec.realAddress) };
    const res = await request(url, { dispatcher: use, method: spec.httpMethod, headers, signal, reset: true });
    const status = `${res.statusCode} ${sink.reason || STATUS_CODES[res.statusCode] || ''}`.trim();
    const ok2xx = res.statusCode >= 200 && res.statusCode < 300;
    if (!ok2xx) { res.body.destroy(); return checkResult(false, status, started); }
    if (re === undefined || spec.httpMethod === 'HEAD') {
      res.body.destroy();
      // HEAD has no body: only an empty receive can match it (LWP content is '').
      return checkResult(re === undefined || re.test(''), status, started);
    }
    const body = await readBounded(res.body, spec.maxBytes);
    if (perlTest(re, body.text)) return checkResult(true, status, started);
    const snippet = clip(body.text.trim() || '(empty body)', 160);
    return checkResult(false, body.truncated ? `no match in first ${spec.maxBytes} bytes (body truncated): ${snippet}` : snippet, started);
  } catch (e) {
    // undici reports a Location pointing back to an already-visited URL as an invalid argument.
    const msg = /Redirect loop/.test(String((e as Error)?.message)) ? 'redirect loop' : errorMessage(e);
    return checkResult(false, msg, started);
  } finally {
    base.destroy().catch(() => undefined);
  }
}
