import { STATUS_CODES } from 'node:http';
import { Client, ProxyAgent, type Dispatcher } from 'undici';
import type { CheckResult, CheckSpec } from '../types.js';
import { compileReceive } from './receive.js';
import { checkResult, clip, errorText } from './result.js';
import { fetchOnce, type Fetched } from './http-fetch.js';

/** MAX_REDIRECTS matches LWP::UserAgent's default max_redirect (GET and HEAD only). */
export const MAX_REDIRECTS = 7;

const ABSOLUTE = /^[a-z][a-z0-9+.-]*:\/\//i;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

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
 * dispatcherFor builds a fresh dispatcher for one hop, so every check opens a new connection as
 * the original does (a new LWP::UserAgent per check). undici's own timers are set past the
 * deadline: the check's AbortSignal bounds connect + request + body as one budget.
 */
function dispatcherFor(spec: CheckSpec, mode: HttpGetMode, url: URL): Dispatcher {
  const slack = spec.timeoutMs + 1000;
  const tls = spec.tlsVerify
    ? { rejectUnauthorized: true, ...(spec.virtualHost ? { servername: spec.virtualHost } : {}) }
    : { rejectUnauthorized: false };
  const common = { headersTimeout: slack, bodyTimeout: slack };
  if (mode === 'proxy') {
    // proxyTunnel false: an absolute-form GET through the proxy for http URLs, as LWP sends;
    // a CONNECT tunnel would be refused by most proxies for port 80.
    return new ProxyAgent({ uri: `http://${hostPart(spec.realAddress)}:${spec.checkPort}/`, proxyTunnel: false, ...common, connect: { timeout: slack, ...tls }, requestTls: tls });
  }
  // keepAlive false: one request per connection, so TCP keepalive probes are never used; setting
  // them costs 3-4 setsockopt calls per check (about 30-40x dearer in the kernel lab than here).
  return new Client(url.origin, { ...common, pipelining: 1, connect: { timeout: slack, keepAlive: false, ...tls } });
}

function bodyMessage(spec: CheckSpec, r: Fetched): string {
  const text = r.body.toString('utf8');
  const snippet = clip(text.trim() || '(empty body)', 160);
  return r.truncated ? `no match in first ${spec.maxBytes} bytes (body truncated): ${snippet}` : snippet;
}

/**
 * httpGet runs one http/https/http_proxy check (ldirectord check_http L2975-3070): up when the
 * final status (after up to 7 redirects) is 2xx and the body matches `receive` (or receive is
 * empty). Headers are not searched. The message is the server's status line, or the body on a
 * 2xx mismatch, or the error code. Redirects are followed here rather than by undici's
 * interceptor so each hop is one small Client (cheap at 10,000 checks/s) and the 3xx of the
 * 8th hop is returned as LWP does.
 */
export async function httpGet(spec: CheckSpec, signal: AbortSignal, scheme: 'http' | 'https', mode: HttpGetMode): Promise<CheckResult> {
  const started = performance.now();
  const re = spec.receive === '' ? undefined : compileReceive(spec.receive);
  if (typeof re === 'string') return checkResult(false, re, started);
  let url: URL;
  try {
    url = new URL(checkUrl(spec, scheme));
  } catch {
    return checkResult(false, `invalid URL: ${clip(spec.request, 100)}`, started);
  }
  // http_proxy: Host comes from the URL (LWP's proxy behaviour); otherwise the virtualhost or
  // the bare real IP, even when the request is an absolute URL (ref §3.2). LWP drops Host on
  // a redirect, so later hops use the Location's host.
  let host: string | undefined = mode === 'proxy' ? undefined : spec.virtualHost || hostPart(spec.realAddress);
  const needBody = re !== undefined && spec.httpMethod === 'GET';
  try {
    for (let hop = 0; ; hop++) {
      const dispatcher = dispatcherFor(spec, mode, url);
      const r = await fetchOnce(dispatcher, url, spec.httpMethod, host, signal, needBody ? spec.maxBytes : 0);
      const status = `${r.statusCode} ${r.reason || STATUS_CODES[r.statusCode] || ''}`.trim();
      if (REDIRECTS.has(r.statusCode) && r.location !== undefined && hop < MAX_REDIRECTS) {
        url = new URL(r.location, url);
        host = undefined;
        continue;
      }
      if (r.statusCode < 200 || r.statusCode > 299) return checkResult(false, status, started);
      // HEAD has no body: LWP's content is '', which only an empty-matching receive matches.
      if (re === undefined) return checkResult(true, status, started);
      if (re.matches(needBody ? r.body.toString('utf8') : '')) return checkResult(true, status, started);
      return checkResult(false, bodyMessage(spec, r), started);
    }
  } catch (e) {
    return checkResult(false, errorText(e), started);
  }
}
