/**
 * The ldap (and, through ldapCheck, ldaps) negotiate check, after ldirectord L3188-3262: bind
 * as login/passwd (anonymous unless both are set), search the base DN `request` minus its "/"
 * with scope base and (objectClass=*); up when exactly one entry comes back and receive is
 * empty or matches its DN. The protocol is ldapts'; the socket is ours (createConnection), so
 * the deadline can destroy it even when the server is stopped mid-reply (PR #318: a SIGSTOPped
 * slapd hung Net::LDAP) and every byte counts against the check's byte budget (meter()).
 */
import { Socket } from 'node:net';
import { isIP } from 'node:net';
import { Client } from 'ldapts';
import type { CheckFn, SpecOf } from './types.js';
import { down, fail, up, withDeadline } from './lib/deadline.js';
import { meter } from './lib/byte-budget.js';
import { compileReceive, type Receive } from './lib/receive.js';
import { errorText } from './lib/result.js';
import { openStream, targetPort } from './lib/socket.js';

/** LdapSpec: the ldap check's options; ldaps also reads tlsVerify. */
type LdapSpec = SpecOf<'request' | 'receive' | 'login' | 'passwd'>;
type LdapsSpec = SpecOf<'request' | 'receive' | 'login' | 'passwd' | 'tlsVerify'>;

/** ldapUrl renders the URL ldapts parses (it only takes scheme, host and port from it). */
export function ldapUrl(secure: boolean, host: string, port: number): string {
  return `${secure ? 'ldaps' : 'ldap'}://${isIP(host) === 6 ? `[${host}]` : host}:${port}`;
}

/** searchBase is the request without its leading "/" (Perl: substr($$r{request},1)). */
export function searchBase(request: string): string {
  return request.startsWith('/') ? request.slice(1) : request;
}

/**
 * ldapCheck builds the check for plain LDAP (389) or LDAP over implicit TLS (636). Only the TLS
 * connection reads tlsVerify, and ldapts makes one only for an ldaps URL: plain ldap declares none.
 */
export function ldapCheck(secure: false, wellKnownPort: number): CheckFn<LdapSpec>;
export function ldapCheck(secure: true, wellKnownPort: number): CheckFn<LdapsSpec>;
export function ldapCheck(secure: boolean, wellKnownPort: number): CheckFn<LdapsSpec> {
  return (spec, signal, ctx) => withDeadline(spec.timeoutMs, signal, async (deadline) => {
    const receive = spec.receive === '' ? undefined : spec.compiledReceive ?? compileReceive(spec.receive);
    if (typeof receive === 'string') return down(receive);
    const host = spec.realAddress;
    const port = targetPort(spec, wellKnownPort);
    let socket: Socket | undefined;
    // ldapts reports a socket destroyed by the budget as "connection closed"; withDeadline
    // reports the budget instead.
    const own = <T extends Socket>(s: T): T => {
      socket = meter(s, deadline.budget);
      return s;
    };
    const kill = (): void => { socket?.destroy(); };
    deadline.signal.addEventListener('abort', kill, { once: true });
    const client = new Client({
      url: ldapUrl(secure, host, port),
      strictDN: false, // pass the configured DNs through verbatim, as Net::LDAP does
      createConnection: (() => own(openStream({ host, port }))) as unknown as typeof import('node:net').connect,
      createSecureConnection: (() => own(openStream({ host, port, tls: { verify: spec.tlsVerify } }))) as unknown as typeof import('node:tls').connect,
    });
    try {
      return up(await negotiate(client, spec, receive));
    } finally {
      deadline.signal.removeEventListener('abort', kill);
      // A polite unbind only when the server is answering; otherwise just drop the socket.
      if (!deadline.signal.aborted && client.isConnected) await client.unbind().catch(() => undefined);
      kill();
    }
  }, { errors: 'detail', maxBytes: spec.maxBytes, ctx });
}

/** negotiate runs bind + base search on a connected client and returns the up message. */
async function negotiate(client: Client, spec: LdapSpec, receive: Receive | undefined): Promise<string> {
  try {
    if (spec.login !== '' && spec.passwd !== '') await client.bind(spec.login, spec.passwd);
    else await client.bind('', '');
  } catch (err) {
    throw fail(`bind failed: ${reason(err)}`);
  }
  let dns: string[];
  try {
    const res = await client.search(searchBase(spec.request), {
      scope: 'base', filter: '(objectClass=*)', attributes: ['1.1'], sizeLimit: 2,
    });
    dns = res.searchEntries.map((e) => e.dn);
  } catch (err) {
    throw fail(`search failed: ${reason(err)}`);
  }
  if (dns.length !== 1) throw fail(`search returned ${dns.length} entries, expected 1`);
  const dn = dns[0] ?? '';
  if (receive && !receive.matches(dn)) throw fail(`response mismatch: DN "${dn}"`);
  return `found "${dn}"`;
}

/**
 * reason is an ldapts or socket error as a short text. ldapts result errors carry the LDAP
 * result code as a number and the server's (often empty) diagnostic as message, so the class
 * name is the readable part: InvalidCredentialsError (49) -> "invalid credentials (49)".
 */
export function reason(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const code = (err as { code?: unknown }).code;
  const text = (err.message.split('\n')[0] ?? '').replace(/\s*Code: 0x[0-9a-f]+$/i, '').trim();
  if (typeof code === 'number') {
    const kind = err.name.replace(/Error$/, '').replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
    return `${kind} (${code})${text !== '' ? `: ${text}` : ''}`;
  }
  return errorText(err, 'detail');
}
