/**
 * The check contract. Checks are a leaf: they import nothing from config, ipvs or director.
 * The director flattens a (virtual, real) pair into a CheckSpec; identical specs are run once
 * and their result fed to every virtual that uses them, so a CheckSpec must hold everything
 * that influences the check and nothing that does not.
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

export interface CheckSpec {
  readonly kind: CheckKind;
  readonly service: CheckServiceName;
  /** The virtual's protocol: decides UDP vs TCP for dns/sip, and connect→ping for udp. */
  readonly protocol: 'tcp' | 'udp' | 'fwm';
  readonly family: 4 | 6;
  /** Virtual address (undefined for fwmark) and port, or the fwmark: arguments of external checks. */
  readonly virtualAddress?: string;
  readonly virtualPort: number;
  readonly fwmark?: number;
  /** Real server address (numeric, IPv6 without brackets) and its configured port (may be 0). */
  readonly realAddress: string;
  readonly realPort: number;
  /** The resolved port to check (virtual checkport, else real port if > 0, else the service's port). */
  readonly checkPort: number;
  /** request always starts with '/', unless it is an absolute URL (`scheme://...`). */
  readonly request: string;
  /** receive: a regex source ('' = match anything, except dns where '' is always down). */
  readonly receive: string;
  /**
   * receive compiled once by whoever builds the spec (the director, at config load): compiling
   * for RE2 costs ~36 us and per-check garbage, matching a page well under 1 us (issue 16).
   * Checks fall back to compiling `receive` themselves when it is absent.
   */
  readonly compiledReceive?: Receive;
  readonly httpMethod: 'GET' | 'HEAD';
  readonly virtualHost?: string;
  readonly login: string;
  readonly passwd: string;
  readonly database: string;
  readonly secret: string;
  readonly checkCommand: string;
  /** The timeout that applies to this kind (checktimeout or negotiatetimeout), in milliseconds. */
  readonly timeoutMs: number;
  /** Attempts for ping. */
  readonly checkCount: number;
  /** Largest number of response bytes a check reads. */
  readonly maxBytes: number;
  /** https/ldaps/imaps/pops: verify certificates and send SNI (opt-in; off as in the original). */
  readonly tlsVerify: boolean;
}

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

/** CheckFn runs one check. It must honour `signal` (abort = give up now, release every socket). */
export type CheckFn = (spec: CheckSpec, signal: AbortSignal, ctx: CheckContext) => Promise<CheckResult>;
