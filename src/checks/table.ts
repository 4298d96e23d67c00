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
import type { CheckFn, CheckOption, SpecOf } from './types.js';

export type { CheckOption };

/**
 * CheckerDef is one line of the table. Its `reads` is the type of its checker's spec: `load`
 * must give a CheckFn<SpecOf<O>>, so a checker that reads an option its line does not declare
 * does not compile, and the director builds its spec with exactly these options.
 */
export interface CheckerDef<O extends CheckOption = CheckOption> {
  /** The well-known port: the check port when nothing else gives one; 0 = none. */
  readonly port: number;
  /** The options the check reads beyond the target (CheckTarget). */
  readonly reads: readonly O[];
  /** load imports the check's module and returns its check, built for `port`. */
  readonly load: (port: number) => Promise<CheckFn<SpecOf<O>>>;
}

/** line makes a table line; O is taken from `reads` alone, and `load` is checked against it. */
export function line<const O extends CheckOption = never>(
  port: number, reads: readonly O[], load: (port: number) => Promise<CheckFn<SpecOf<NoInfer<O>>>>,
): CheckerDef<O> {
  return { port, reads, load };
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
  dns: line(53, TEXT, async () => (await import('./dns.js')).check),
  ftp: line(21, [...TEXT, ...LOGIN], async (p) => (await import('./ftp.js')).ftpCheck(p)),
  http: line(80, [...HTTP, 'tlsVerify'], async () => (await import('./lib/http-get.js')).httpCheck('http', 'direct')),
  https: line(443, [...HTTP, 'tlsVerify'], async () => (await import('./lib/http-get.js')).httpCheck('https', 'direct')),
  http_proxy: line(3128, [...HTTP, 'tlsVerify'], async () => (await import('./lib/http-get.js')).httpCheck('http', 'proxy')),
  imap: line(143, LOGIN, async (p) => (await import('./mail/imap.js')).imapCheck({ tls: false, wellKnownPort: p })),
  imaps: line(993, [...LOGIN, 'tlsVerify'], async (p) => (await import('./mail/imap.js')).imapCheck({ tls: true, wellKnownPort: p })),
  ldap: line(389, [...TEXT, ...LOGIN], async (p) => (await import('./ldap.js')).ldapCheck(false, p)),
  ldaps: line(636, [...TEXT, ...LOGIN, 'tlsVerify'], async (p) => (await import('./ldap.js')).ldapCheck(true, p)),
  mysql: line(3306, SQL, async () => (await import('./mysql.js')).check),
  nntp: line(119, [], async (p) => (await import('./nntp.js')).nntpCheck(p)),
  none: line(0, [], async () => (await import('./fixed.js')).alwaysUp),
  oracle: line(1521, SQL, async () => (await import('./oracle.js')).check),
  pop: line(110, LOGIN, async (p) => (await import('./mail/pop3.js')).pop3Check({ tls: false, wellKnownPort: p })),
  pops: line(995, [...LOGIN, 'tlsVerify'], async (p) => (await import('./mail/pop3.js')).pop3Check({ tls: true, wellKnownPort: p })),
  radius: line(1812, [...LOGIN, 'secret'], async () => (await import('./radius.js')).check),
  pgsql: line(5432, SQL, async () => (await import('./pgsql.js')).check),
  simpletcp: line(0, TEXT, async () => (await import('./simpletcp.js')).check),
  sip: line(5060, ['login'], async () => (await import('./sip.js')).check),
  smtp: line(25, [], async (p) => (await import('./mail/smtp.js')).smtpCheck(p)),
  submission: line(587, [], async (p) => (await import('./mail/smtp.js')).smtpCheck(p)),
  'tcp-tls': line(0, ['virtualHost', 'tlsVerify'], async () => (await import('./tcp-tls.js')).check),
});

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

const EXTERNAL = ['checkCommand', 'virtualAddress', 'virtualPort', 'fwmark'] as const;

/**
 * KINDS: the checktypes other than negotiate. They have no port of their own. connect declares
 * checkCount: on a UDP virtual it runs ping (ldirectord L2906), whose attempts it is.
 */
export const KINDS = Object.freeze({
  connect: line(0, ['checkCount'], async () => (await import('./connect.js')).check),
  ping: line(0, ['checkCount'], async () => (await import('./ping.js')).check),
  external: line(0, EXTERNAL, async () => (await import('./external.js')).check),
  'external-perl': line(0, EXTERNAL, async () => (await import('./external-perl.js')).check),
  on: line(0, [], async () => (await import('./fixed.js')).alwaysUp),
  off: line(0, [], async () => (await import('./fixed.js')).alwaysDown),
});

/** KindName is a checktype that runs a check of its own (negotiate dispatches on SERVICES). */
export type KindName = keyof typeof KINDS;

/** CheckerLine is the table line of a spec: its service's when it negotiates, else its kind's. */
export function checkerLine(kind: KindName | 'negotiate', service: ServiceName): CheckerDef {
  return kind === 'negotiate' ? SERVICES[service] : KINDS[kind];
}
