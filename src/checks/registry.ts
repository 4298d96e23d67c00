/**
 * The registry: the checks of table.ts, each loading its module on first use.
 *
 * The protocol libraries (mysql2, pg, oracledb, ldapts, basic-ftp, undici, ...) cost seconds of
 * start-up in the kernel lab, and a director usually needs one or two of them. `preloadChecks`
 * lets the engine load what its config uses before the first round, so an import never eats
 * into a check's deadline.
 */
import type { AnyCheckFn, CheckFn, CheckOption, CheckSpec, SpecOf } from './types.js';
import { KINDS, SERVICES, SERVICE_NAMES, type CheckerDef, type KindName, type ServiceName } from './table.js';

/** LazyCheckFn is a checker that imports its module on first call (or on `preload`). */
export interface LazyCheckFn extends AnyCheckFn {
  preload(): Promise<void>;
}

/**
 * lazy erases a line's spec type: runCheck dispatches any spec on its kind and service, and a
 * spec reaching this checker was built from this same line (director/spec.ts), so it holds the
 * options the line declares (SpecOf<O>).
 */
function lazy<O extends CheckOption>(def: CheckerDef<O>): LazyCheckFn {
  let loading: Promise<CheckFn<SpecOf<O>>> | undefined;
  const get = (): Promise<CheckFn<SpecOf<O>>> => (loading ??= def.load(def.port));
  const fn = (async (spec: CheckSpec, signal, ctx) => (await get())(spec as SpecOf<O>, signal, ctx)) as LazyCheckFn;
  fn.preload = async () => { await get(); };
  return fn;
}

/** KIND_CHECKS: checktypes other than negotiate (which dispatches on the service). */
export const KIND_CHECKS: Readonly<Record<KindName, LazyCheckFn>> = Object.freeze(
  Object.fromEntries(Object.entries(KINDS).map(([k, def]) => [k, lazy<CheckOption>(def as CheckerDef)])) as Record<KindName, LazyCheckFn>);

/** SERVICE_CHECKS: the negotiate check of each service. */
export const SERVICE_CHECKS: Readonly<Record<ServiceName, LazyCheckFn>> = Object.freeze(
  Object.fromEntries(SERVICE_NAMES.map((s) => [s, lazy<CheckOption>(SERVICES[s] as CheckerDef)])) as Record<ServiceName, LazyCheckFn>);

/**
 * preloadChecks loads the modules of the named kinds and services. A module that fails to load
 * (e.g. a native addon that did not build) is not an error here: its checks report it as down.
 */
export async function preloadChecks(names: { kinds: Iterable<KindName>; services: Iterable<ServiceName> }): Promise<void> {
  const all = [...[...names.kinds].map((k) => KIND_CHECKS[k]), ...[...names.services].map((s) => SERVICE_CHECKS[s])];
  await Promise.all(all.map((f) => f?.preload().catch(() => {})));
}
