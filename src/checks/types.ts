/**
 * The check contract. Checks are a leaf: they import nothing from config, ipvs or director.
 * The director flattens a (virtual, real) pair into a CheckSpec: the target every check reads,
 * plus the options its checker's table line declares (SpecOf). Identical specs are run once and
 * their result fed to every virtual that uses them, so a spec holds everything that influences
 * the check and nothing that does not.
 */

import type { Receive } from './lib/receive.js';
import type { ServiceName } from './table.js';
import type { CheckClock, TimeLimit } from './lib/time-limit.js';

/** CheckServiceName is a negotiate service, a key of the checker table (table.ts). */
export type CheckServiceName = ServiceName;

/**
 * CheckKind is what runs this time. `negotiate` dispatches on `service`. The combined checktype
 * (N) is scheduling, not a check: the director picks negotiate or connect for each round.
 */
export type CheckKind = 'connect' | 'negotiate' | 'ping' | 'external' | 'external-perl' | 'on' | 'off';

/**
 * CheckTarget is what every check reads: what runs, and where. realPort is here for the director
 * (the maintenance file of a real is named by its port), so reals on two ports never share a check.
 */
export interface CheckTarget {
  readonly kind: CheckKind;
  readonly service: CheckServiceName;
  /** The virtual's protocol: decides UDP vs TCP for dns/sip, and connect→ping for udp. */
  readonly protocol: 'tcp' | 'udp' | 'fwm';
  readonly family: 4 | 6;
  /** Real server address (numeric, IPv6 without brackets) and its configured port (may be 0). */
  readonly realAddress: string;
  readonly realPort: number;
  /** The resolved port to check (virtual checkport, else real port if > 0, else the service's port). */
  readonly checkPort: number;
  /** The timeout that applies to this kind (checktimeout or negotiatetimeout), in milliseconds. */
  readonly timeoutMs: number;
  /** Largest number of response bytes a check reads. */
  readonly maxBytes: number;
}

/**
 * CheckOptions are the fields only some checks read. A check's line in the checker table
 * (table.ts) declares which; its spec holds those and no others (SpecOf).
 */
export interface CheckOptions {
  /** Virtual address (undefined for fwmark) and port, or the fwmark: arguments of external checks. */
  readonly virtualAddress?: string;
  readonly virtualPort: number;
  readonly fwmark?: number;
  /** request always starts with '/', unless it is an absolute URL (`scheme://...`). */
  readonly request: string;
  /** receive: a regex source ('' = match anything, except dns where '' is always down). */
  readonly receive: string;
  /**
   * receive compiled once by whoever builds the spec (the director, at config load): compiling
   * for RE2 costs ~36 us and per-check garbage, matching a page well under 1 us (issue 16).
   * Checks fall back to compiling `receive` themselves when it is absent. Comes with `receive`.
   */
  readonly compiledReceive?: Receive;
  readonly httpMethod: 'GET' | 'HEAD';
  readonly virtualHost?: string;
  readonly login: string;
  readonly passwd: string;
  readonly database: string;
  readonly secret: string;
  readonly checkCommand: string;
  /** Attempts for ping. */
  readonly checkCount: number;
  /** https/ldaps/imaps/pops: verify certificates and send SNI (opt-in; off as in the original). */
  readonly tlsVerify: boolean;
}

/** CheckOption names an option a checker's table line can declare (compiledReceive comes with receive). */
export type CheckOption = Exclude<keyof CheckOptions, 'compiledReceive'>;

/** OptionFields are the spec fields of options O: receive brings its compiled form. */
export type OptionFields<O extends CheckOption> = O | (O extends 'receive' ? 'compiledReceive' : never);

/**
 * SpecOf<O> is the spec of a checker that declares the options O: the target plus exactly those.
 * A checker typed CheckFn<SpecOf<O>> cannot read an option outside O (a compile error), and its
 * table line cannot declare fewer (the line's load would not type-check).
 */
export type SpecOf<O extends CheckOption = never> = CheckTarget & Readonly<Pick<CheckOptions, OptionFields<O>>>;

/**
 * CheckSpec is any check's spec as the director and runCheck carry it: the target plus the
 * options of its checker's line, built once at config load (director/spec.ts) and only read
 * by the checker it names. Code outside the checkers reads the target only.
 */
export type CheckSpec = CheckTarget & Readonly<Partial<CheckOptions>>;

/** FullCheckSpec holds every option: what tests build, valid for any checker. */
export type FullCheckSpec = CheckTarget & Readonly<CheckOptions>;

/** CheckResult is the outcome of one check: a value, never an exception. */
export interface CheckResult {
  readonly up: boolean;
  /**
   * Short reason for logs and the monitorfile: the HTTP status line, the body on a 2xx mismatch,
   * an errno name, `timeout after 5000 ms`, or '-' where the original writes '-'.
   */
  readonly message: string;
  /**
   * Wall time the check took, in milliseconds, as runCheck measures it around the whole call.
   * A checker's own figure is informational (runCheck replaces it); the http checks leave 0
   * rather than read the clock twice more per check.
   */
  readonly durationMs: number;
}

/** CheckContext carries injected dependencies; every field has a sensible default. */
export interface CheckContext {
  /** Hostname used where the original uses it (sip login default, ftp passwd default, smtp EHLO). */
  readonly hostname?: string;
  /** The clock a check's time limit is read and armed on (default: the system clock). */
  readonly clock?: CheckClock;
  /**
   * The check's one time limit (lib/time-limit.ts). A caller that passes it owns it: it aborts
   * `signal` with a CheckTimeout at the limit and keeps the grace after it (the director's
   * scheduler does, from its one timer heap, with the start reading its batch shares), and no
   * timer is armed below it. Without one, runCheck makes it on `clock` and passes it to the check.
   */
  readonly limit?: TimeLimit;
}

/**
 * CheckFn runs one check on its spec S (SpecOf the options its line declares; the target alone
 * by default). It must honour `signal` (abort = give up now, release every socket).
 */
export type CheckFn<S extends CheckTarget = CheckTarget> = (spec: S, signal: AbortSignal, ctx: CheckContext) => Promise<CheckResult>;

/** AnyCheckFn is a checker as the registry and runCheck hold it: any spec, dispatched on kind and service. */
export type AnyCheckFn = CheckFn<CheckSpec>;
