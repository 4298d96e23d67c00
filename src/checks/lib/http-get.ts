import { STATUS_CODES } from 'node:http';
import type { CheckFn, CheckResult, SpecOf } from '../types.js';
import { compileReceive } from './receive.js';
import { clip, errorText } from './result.js';
import { fetchWire, type Fetched } from './http-wire.js';
import { ByteBudget } from './byte-budget.js';
import { hostPart } from './host-part.js';
import { tlsPolicy } from './socket.js';

/**
 * HttpSpec: what the http, https and http_proxy checks read. Plain http reads tlsVerify too: a
 * redirect to an https URL is fetched over TLS with the check's policy.
 */
export type HttpSpec = SpecOf<'request' | 'receive' | 'httpMethod' | 'virtualHost' | 'tlsVerify'>;

/** MAX_REDIRECTS matches LWP::UserAgent's default max_redirect (GET and HEAD only). */
export const MAX_REDIRECTS = 7;

const ABSOLUTE = /^[a-z][a-z0-9+.-]*:\/\//i;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/**
 * redirectTarget is where a redirect from `from` to `location` leads, or why it is refused (a
 * string). Only http and https are followed, as LWP hands other schemes to their own protocol
 * modules and refuses file: (a plain-HTTP GET to a gopher: or file: URL would connect to
 * whatever host and port it names, localhost:80 for file:). A URL with credentials (userinfo,
 * in the check's own request when `credentials`, or in the Location) is never followed to
 * another host: the check sends no Authorization, but a Location must not carry one elsewhere.
 */
export function redirectTarget(from: URL, location: string, credentials: boolean): URL | string {
  let to: URL;
  try {
    to = new URL(location, from);
  } catch {
    return `redirect to an invalid URL refused: ${clip(location, 100)}`;
  }
  if (to.protocol !== 'http:' && to.protocol !== 'https:') {
    return `redirect to ${to.protocol} refused: only http and https are followed`;
  }
  if ((credentials || to.username !== '' || to.password !== '') && to.host !== from.host) {
    return `redirect to ${to.host} refused: a URL with credentials is not followed to another host`;
  }
  return to;
}

/**
 * checkUrl is what an http(s) check fetches: the request verbatim when it is an absolute URL,
 * else `<scheme>://<rip>:<checkport><request>` (ldirectord builds $$r{url} the same way).
 */
export function checkUrl(spec: Pick<HttpSpec, 'request' | 'realAddress' | 'checkPort'>, scheme: 'http' | 'https'): string {
  if (ABSOLUTE.test(spec.request)) return spec.request;
  return `${scheme}://${hostPart(spec.realAddress)}:${spec.checkPort}${spec.request}`;
}

/** HttpGetMode selects how the connection is made. */
export type HttpGetMode = 'direct' | 'proxy';

/**
 * fetchHop fetches one hop. http and https go straight to the real through the wire client
 * (http-wire.ts: a third of undici's CPU per check, which is what 10,000 checks/s needs);
 * http_proxy keeps undici's ProxyAgent, which speaks the proxy forms LWP uses, loaded on first use.
 */
function fetchHop(
  spec: HttpSpec, mode: HttpGetMode, url: URL, host: string | undefined, signal: AbortSignal, maxBytes: number, budget: ByteBudget,
): Promise<Fetched> {
  if (mode === 'proxy') return import('./http-fetch.js').then((m) => m.fetchThroughProxy(spec, url, host, signal, maxBytes, budget));
  const tls = url.protocol === 'https:' ? tlsPolicy(spec) : undefined;
  return fetchWire(url, spec.httpMethod, host, signal, maxBytes, budget, tls);
}

/**
 * result builds the check's answer without a duration: runCheck measures the whole call, and two
 * more clock reads per check are measurable at 10,000 checks/s (and are syscalls in the lab).
 */
function result(up: boolean, message: string): CheckResult {
  return { up, message, durationMs: 0 };
}

function bodyMessage(spec: HttpSpec, r: Fetched): string {
  const text = r.body.toString('utf8');
  const snippet = clip(text.trim() || '(empty body)', 160);
  return r.truncated ? `no match in first ${spec.maxBytes} bytes (body truncated): ${snippet}` : snippet;
}

/**
 * httpGet runs one http/https/http_proxy check (ldirectord check_http L2975-3070): up when the
 * final status (after up to 7 redirects) is 2xx and the body matches `receive` (or receive is
 * empty). Headers are not searched. The message is the server's status line, or the body on a
 * 2xx mismatch, or the error code. Redirects are followed here, each hop on a new connection
 * (and over TLS or not as its URL says); the 3xx of the 8th hop is returned as LWP does. A
 * refused redirect (redirectTarget) is down with its reason. All hops share one byte budget.
 */
export async function httpGet(spec: HttpSpec, signal: AbortSignal, scheme: 'http' | 'https', mode: HttpGetMode): Promise<CheckResult> {
  const re = spec.receive === '' ? undefined : spec.compiledReceive ?? compileReceive(spec.receive);
  if (typeof re === 'string') return result(false, re);
  let url: URL;
  try {
    url = new URL(checkUrl(spec, scheme));
  } catch {
    return result(false, `invalid URL: ${clip(spec.request, 100)}`);
  }
  // http_proxy: Host comes from the URL (LWP's proxy behaviour); otherwise the virtualhost or
  // the bare real IP, even when the request is an absolute URL (ref §3.2). LWP drops Host on
  // a redirect, so later hops use the Location's host.
  let host: string | undefined = mode === 'proxy' ? undefined : spec.virtualHost || hostPart(spec.realAddress);
  const needBody = re !== undefined && spec.httpMethod === 'GET';
  const credentials = url.username !== '' || url.password !== '';
  const budget = new ByteBudget(spec.maxBytes);
  try {
    for (let hop = 0; ; hop++) {
      const r = await fetchHop(spec, mode, url, host, signal, needBody ? spec.maxBytes : 0, budget);
      const status = `${r.statusCode} ${r.reason || STATUS_CODES[r.statusCode] || ''}`.trim();
      if (REDIRECTS.has(r.statusCode) && r.location !== undefined && hop < MAX_REDIRECTS) {
        const next = redirectTarget(url, r.location, credentials);
        if (typeof next === 'string') return result(false, next);
        url = next;
        host = undefined;
        continue;
      }
      if (r.statusCode < 200 || r.statusCode > 299) return result(false, status);
      // HEAD has no body: LWP's content is '', which only an empty-matching receive matches.
      if (re === undefined) return result(true, status);
      if (re.matches(needBody ? r.body.toString('utf8') : '')) return result(true, status);
      return result(false, bodyMessage(spec, r));
    }
  } catch (e) {
    return result(false, errorText(e));
  }
}

/**
 * httpCheck builds the http (plain, direct), https (TLS, direct) or http_proxy (the real is an
 * HTTP proxy at rip:checkport; the absolute request URL is fetched through it) check.
 * Certificates are not verified unless tlsVerify is set (the original passes
 * verify_hostname=>0, issue #361); tlsVerify also sends virtualhost as SNI.
 */
export function httpCheck(scheme: 'http' | 'https', mode: HttpGetMode): CheckFn<HttpSpec> {
  return (spec, signal) => httpGet(spec, signal, scheme, mode);
}
