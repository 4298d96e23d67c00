/**
 * The one table of checkers. Every checktype that is a check of its own (KINDS) and every
 * negotiate service (SERVICES) is one line: its default port, the CheckSpec options it reads
 * beyond the target, and how its module loads. The service names, the port defaults both ways
 * (config's `service` default from the port, the director's check port from the service) and
 * the registry are all derived from here, so adding a check is one file plus one line.
 *
 * This file is data: config imports it for the names and ports, which loads no check module
 * (the `load` thunks run only when a check first runs, see registry.ts).
 */
import type { CheckFn, CheckSpec } from './types.js';

/**
 * CheckOption is a CheckSpec field that only some checks read. Every check also reads the
 * target: kind, service, protocol, family, realAddress, checkPort, timeoutMs, maxBytes.
 */
export type CheckOption = keyof Pick<CheckSpec,
  | 'request' | 'receive' | 'httpMethod' | 'virtualHost' | 'login' | 'passwd' | 'database' | 'secret'
  | 'checkCommand' | 'checkCount' | 'tlsVerify' | 'virtualAddress' | 'virtualPort' | 'fwmark' | 'realPort'>;

/** CheckerDef is one line of the table. */
export interface CheckerDef {
  /** The well-known port: the check port when nothing else gives one; 0 = none. */
  readonly port: number;
  /** The options the check reads (documentation and the "Adding a check" contract). */
  readonly reads: readonly CheckOption[];
  /** load imports the check's module and returns its check, built for `port`. */
  readonly load: (port: number) => Promise<CheckFn>;
}

const TEXT = ['request', 'receive'] as const;
const LOGIN = ['login', 'passwd'] as const;
const HTTP = [...TEXT, 'httpMethod', 'virtualHost'] as const;
const SQL = ['request', ...LOGIN, 'database'] as const;

/**
 * SERVICES: the negotiate check of each service. Ports are ldirectord's ld_port_to_service
 * (L1860-1890); a port of 0 is never a service's default. The order is the one config lists.
 */
export const SERVICES = Object.freeze({
  dns: { port: 53, reads: TEXT, load: async () => (await import('./dns.js')).check },
  ftp: { port: 21, reads: [...TEXT, ...LOGIN], load: async (p) => (await import('./ftp.js')).ftpCheck(p) },
  http: { port: 80, reads: HTTP, load: async () => (await import('./lib/http-get.js')).httpCheck('http', 'direct') },
  https: { port: 443, reads: [...HTTP, 'tlsVerify'], load: async () => (await import('./lib/http-get.js')).httpCheck('https', 'direct') },
  http_proxy: { port: 3128, reads: [...HTTP, 'tlsVerify'], load: async () => (await import('./lib/http-get.js')).httpCheck('http', 'proxy') },
  imap: { port: 143, reads: LOGIN, load: async (p) => (await import('./mail/imap.js')).imapCheck({ tls: false, wellKnownPort: p }) },
  imaps: { port: 993, reads: [...LOGIN, 'tlsVerify'], load: async (p) => (await import('./mail/imap.js')).imapCheck({ tls: true, wellKnownPort: p }) },
  ldap: { port: 389, reads: [...TEXT, ...LOGIN], load: async (p) => (await import('./ldap.js')).ldapCheck(false, p) },
  ldaps: { port: 636, reads: [...TEXT, ...LOGIN, 'tlsVerify'], load: async (p) => (await import('./ldap.js')).ldapCheck(true, p) },
  mysql: { port: 3306, reads: SQL, load: async () => (await import('./mysql.js')).check },
  nntp: { port: 119, reads: [], load: async (p) => (await import('./nntp.js')).nntpCheck(p) },
  none: { port: 0, reads: [], load: async () => (await import('./fixed.js')).alwaysUp },
  oracle: { port: 1521, reads: SQL, load: async () => (await import('./oracle.js')).check },
  pop: { port: 110, reads: LOGIN, load: async (p) => (await import('./mail/pop3.js')).pop3Check({ tls: false, wellKnownPort: p }) },
  pops: { port: 995, reads: [...LOGIN, 'tlsVerify'], load: async (p) => (await import('./mail/pop3.js')).pop3Check({ tls: true, wellKnownPort: p }) },
  radius: { port: 1812, reads: [...LOGIN, 'secret'], load: async () => (await import('./radius.js')).check },
  pgsql: { port: 5432, reads: SQL, load: async () => (await import('./pgsql.js')).check },
  simpletcp: { port: 0, reads: TEXT, load: async () => (await import('./simpletcp.js')).check },
  sip: { port: 5060, reads: ['login'], load: async () => (await import('./sip.js')).check },
  smtp: { port: 25, reads: [], load: async (p) => (await import('./mail/smtp.js')).smtpCheck(p) },
  submission: { port: 587, reads: [], load: async (p) => (await import('./mail/smtp.js')).smtpCheck(p) },
  'tcp-tls': { port: 0, reads: ['virtualHost', 'tlsVerify'], load: async () => (await import('./tcp-tls.js')).check },
} satisfies Record<string, CheckerDef>);

/** ServiceName is a negotiate service: a key of SERVICES. */
export type ServiceName = keyof typeof SERVICES;

/** SERVICE_NAMES lists the services in table order. */
export const SERVICE_NAMES = Object.freeze(Object.keys(SERVICES) as ServiceName[]);

/** SERVICE_PORTS: a service's default port (0 = none). */
export const SERVICE_PORTS: Readonly<Record<ServiceName, number>> = Object.freeze(
  Object.fromEntries(SERVICE_NAMES.map((s) => [s, SERVICES[s].port])) as Record<ServiceName, number>);

/**
 * SERVICE_BY_PORT maps a virtual's resolved port to its default `service` (ldirectord
 * ld_port_to_service L1860-1890); any other port is `none`. The first service of a port wins.
 */
export const SERVICE_BY_PORT: Readonly<Record<number, ServiceName>> = Object.freeze(Object.fromEntries(
  [...SERVICE_NAMES].reverse().filter((s) => SERVICES[s].port > 0).map((s) => [SERVICES[s].port, s])));

/** KindName is a checktype that runs a check of its own (negotiate dispatches on SERVICES). */
export type KindName = 'connect' | 'ping' | 'external' | 'external-perl' | 'on' | 'off';

/** KINDS: the checktypes other than negotiate. They have no port of their own. */
export const KINDS: Readonly<Record<KindName, CheckerDef>> = Object.freeze({
  connect: { port: 0, reads: [], load: async () => (await import('./connect.js')).check },
  ping: { port: 0, reads: ['checkCount'], load: async () => (await import('./ping.js')).check },
  external: { port: 0, reads: ['checkCommand', 'virtualAddress', 'virtualPort', 'fwmark', 'realPort'], load: async () => (await import('./external.js')).check },
  'external-perl': { port: 0, reads: ['checkCommand', 'virtualAddress', 'virtualPort', 'fwmark', 'realPort'], load: async () => (await import('./external-perl.js')).check },
  on: { port: 0, reads: [], load: async () => (await import('./fixed.js')).alwaysUp },
  off: { port: 0, reads: [], load: async () => (await import('./fixed.js')).alwaysDown },
});
