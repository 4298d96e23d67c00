/**
 * LdError is the root of every error this project raises on purpose. Each carries a literal
 * `code` so callers (and the future `status`/metrics surface) can branch without parsing text.
 * Config errors also carry `file` and `line`.
 */
export type LdErrorCode =
  | 'LD_ERR_CONFIG'            // one or more config diagnostics (see ConfigError)
  | 'LD_ERR_USAGE'
  | 'LD_ERR_PIDFILE'
  | 'LD_ERR_LOGFILE'
  | 'LD_ERR_DAEMON'
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
  | 'LD_ERR_NETLINK_MALFORMED' // a reply that does not parse: lying lengths, truncated, missing fields
  | 'LD_ERR_CHECK'
  | 'LD_ERR_RESPONSE_LIMIT'   // a check read more than maxresponsebytes (lib/byte-budget.ts)
  | 'LD_ERR_STATE'             // the drain state file cannot be read or written
  | 'LD_ERR_CONTROL'           // the control socket: no daemon, or a refused request
  | 'LD_ERR_INTERNAL';

export class LdError extends Error {
  readonly code: LdErrorCode;
  constructor(code: LdErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'LdError';
    this.code = code;
  }
}

/** isLdError narrows unknown values (catch clauses) to LdError, optionally of a given code. */
export function isLdError(e: unknown, code?: LdErrorCode): e is LdError {
  return e instanceof LdError && (code === undefined || e.code === code);
}

/** errorText is the message of a caught value (an Error's message, else its string form). */
export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
