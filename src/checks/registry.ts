/**
 * The one table of checks: every checktype that is a check of its own, and every negotiate
 * service. Adding a checker = one file exporting `check` + one line here.
 *
 * Entries load their module on first use: the protocol libraries (mysql2, pg, oracledb, ldapts,
 * basic-ftp, undici, ...) cost seconds of start-up in the kernel lab, and a director usually
 * needs one or two of them. `preloadChecks` lets the engine load what its config uses before the
 * first round, so an import never eats into a check's deadline.
 */
import type { CheckFn, CheckKind, CheckServiceName } from './types.js';

/** LazyCheckFn is a CheckFn that imports its module on first call (or on `preload`). */
export interface LazyCheckFn extends CheckFn {
  preload(): Promise<void>;
}

function lazy(load: () => Promise<{ check: CheckFn }>): LazyCheckFn {
  let loading: Promise<CheckFn> | undefined;
  const get = (): Promise<CheckFn> => (loading ??= load().then((m) => m.check));
  const fn = (async (spec, signal, ctx) => (await get())(spec, signal, ctx)) as LazyCheckFn;
  fn.preload = async () => { await get(); };
  return fn;
}

/** KIND_CHECKS: checktypes other than negotiate (which dispatches on the service). */
export const KIND_CHECKS: Readonly<Record<Exclude<CheckKind, 'negotiate'>, LazyCheckFn>> = Object.freeze({
  connect: lazy(() => import('./connect.js')),
  ping: lazy(() => import('./ping.js')),
  external: lazy(() => import('./external.js')),
  'external-perl': lazy(() => import('./external-perl.js')),
  on: lazy(() => import('./on.js')),
  off: lazy(() => import('./off.js')),
});

/** SERVICE_CHECKS: the negotiate check of each service. */
export const SERVICE_CHECKS: Readonly<Record<CheckServiceName, LazyCheckFn>> = Object.freeze({
  none: lazy(() => import('./none.js')),
  http: lazy(() => import('./http.js')),
  https: lazy(() => import('./https.js')),
  http_proxy: lazy(() => import('./http_proxy.js')),
  simpletcp: lazy(() => import('./simpletcp.js')),
  smtp: lazy(() => import('./smtp.js')),
  submission: lazy(() => import('./submission.js')),
  pop: lazy(() => import('./pop.js')),
  pops: lazy(() => import('./pops.js')),
  imap: lazy(() => import('./imap.js')),
  imaps: lazy(() => import('./imaps.js')),
  nntp: lazy(() => import('./nntp.js')),
  ftp: lazy(() => import('./ftp.js')),
  ldap: lazy(() => import('./ldap.js')),
  ldaps: lazy(() => import('./ldaps.js')),
  dns: lazy(() => import('./dns.js')),
  radius: lazy(() => import('./radius.js')),
  mysql: lazy(() => import('./mysql.js')),
  pgsql: lazy(() => import('./pgsql.js')),
  oracle: lazy(() => import('./oracle.js')),
  sip: lazy(() => import('./sip.js')),
});

/**
 * preloadChecks loads the modules of the named kinds and services. A module that fails to load
 * (e.g. a native addon that did not build) is not an error here: its checks report it as down.
 */
export async function preloadChecks(names: { kinds: Iterable<Exclude<CheckKind, 'negotiate'>>; services: Iterable<CheckServiceName> }): Promise<void> {
  const all = [...[...names.kinds].map((k) => KIND_CHECKS[k]), ...[...names.services].map((s) => SERVICE_CHECKS[s])];
  await Promise.all(all.map((f) => f?.preload().catch(() => {})));
}
