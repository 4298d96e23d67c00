/**
 * LdError is the root of every error this project raises on purpose. Each carries a literal
 * `code` so callers (and the `status`/metrics surface) can branch without parsing text. Each part
 * raises its own subclass with the codes it owns: ConfigError (with the diagnostics, each at a
 * file and line), IpvsError (the kernel and netlink codes), CheckError, ControlError, DaemonError.
 * All keep the name 'LdError', so messages and `String(e)` read as before; branch on the class
 * or the code.
 */

/** ConfigErrorCode: a config that does not load (see ConfigError). */
export type ConfigErrorCode = 'LD_ERR_CONFIG';

/** IpvsErrorCode: the kernel's answers to an IPVS request, and the netlink transport's failures. */
export type IpvsErrorCode =
  | 'LD_ERR_IPVS_UNAVAILABLE'  // family IPVS not found: module not loaded / not built
  | 'LD_ERR_IPVS_PERMISSION'   // EPERM: needs CAP_NET_ADMIN
  | 'LD_ERR_IPVS_EXISTS'       // EEXIST
  | 'LD_ERR_IPVS_NO_SERVICE'   // ESRCH
  | 'LD_ERR_IPVS_NO_DEST'      // ENOENT on a dest op
  | 'LD_ERR_IPVS_NOT_FOUND'    // ENOENT elsewhere (e.g. unknown scheduler)
  | 'LD_ERR_IPVS_INVALID'      // EINVAL / ERANGE
  | 'LD_ERR_IPVS_KERNEL'       // any other errno from the kernel
  | 'LD_ERR_NETLINK_TIMEOUT'   // no reply within the request's deadline
  | 'LD_ERR_NETLINK_CLOSED'    // socket closed or reset under a pending request
  | 'LD_ERR_NETLINK_BUSY'      // queue bound exceeded
  | 'LD_ERR_NETLINK_MALFORMED'; // a reply that does not parse: lying lengths, truncated, missing fields

/** CheckErrorCode: a check's protocol "no", or a response over its byte bound (lib/byte-budget.ts). */
export type CheckErrorCode = 'LD_ERR_CHECK' | 'LD_ERR_RESPONSE_LIMIT';

/** DaemonErrorCode: the daemon's own files and processes. */
export type DaemonErrorCode =
  | 'LD_ERR_PIDFILE'
  | 'LD_ERR_LOGFILE'
  | 'LD_ERR_DAEMON'
  | 'LD_ERR_STATE'             // the drain state file cannot be read or written
  | 'LD_ERR_MAIL';             // an alert mail has no way out (no smtp= and no sendmail)

/** ControlErrorCode: the control socket (no daemon, a refused request) and bad arguments to it. */
export type ControlErrorCode = 'LD_ERR_CONTROL' | 'LD_ERR_USAGE';

export type LdErrorCode =
  | ConfigErrorCode | IpvsErrorCode | CheckErrorCode | DaemonErrorCode | ControlErrorCode
  | 'LD_ERR_INTERNAL';         // a control request that failed on a bug (the reply's code, never thrown)

export class LdError extends Error {
  readonly code: LdErrorCode;
  constructor(code: LdErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'LdError';
    this.code = code;
  }
}

/** PositionedProblem is what a ConfigError carries per problem: where it is, and what. */
export interface PositionedProblem {
  readonly file: string;
  readonly line: number;
  readonly message: string;
}

/**
 * ConfigError: a config that does not load. `diagnostics` holds every problem with its file and
 * line (config/diagnostics.ts collects them all, not just the first); the message is their lines.
 */
export class ConfigError<D extends PositionedProblem = PositionedProblem> extends LdError {
  declare readonly code: ConfigErrorCode;
  constructor(message: string, readonly diagnostics: readonly D[]) {
    super('LD_ERR_CONFIG', message);
  }
}

/**
 * PartError is an LdError whose code is one of its part's codes: each part's class below is this
 * with the part's code union, so a catch can branch on the class and the compiler checks the code.
 */
class PartError<C extends LdErrorCode> extends LdError {
  declare readonly code: C;
  constructor(code: C, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

/** IpvsError: an IPVS request the kernel refused, or a netlink transport failure. */
export class IpvsError extends PartError<IpvsErrorCode> {}

/** CheckError: thrown inside a check body and turned into its down result (never past runCheck). */
export class CheckError extends PartError<CheckErrorCode> {}

/** DaemonError: a pid file, log, state file, mail transport or engine failure of the daemon. */
export class DaemonError extends PartError<DaemonErrorCode> {}

/** ControlError: the control socket and its arguments. */
export class ControlError extends PartError<ControlErrorCode> {}

/** isLdError narrows unknown values (catch clauses) to LdError, optionally of a given code. */
export function isLdError(e: unknown, code?: LdErrorCode): e is LdError {
  return e instanceof LdError && (code === undefined || e.code === code);
}

/** errorText is the message of a caught value (an Error's message, else its string form). */
export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
