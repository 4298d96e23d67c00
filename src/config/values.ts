/**
 * Value parsers shared by the global and per-virtual validators. Each returns the parsed value or
 * records a diagnostic naming the directive and what was expected, and returns undefined.
 * The original extracts the first run of digits (`checkinterval=7abc` is 7); we want the whole
 * value to be the number, so junk is reported instead of silently dropped.
 */
import type { Directive } from './ast.js';
import type { Diagnostics } from './diagnostics.js';
import { compileReceivePattern, isPatternError } from '../util/receive-pattern.js';

/** Ctx is what every value parser needs: the collector. */
export interface Ctx { readonly diags: Diagnostics; readonly file: string }

function show(v: string | undefined): string {
  return v === undefined ? 'nothing' : `"${v}"`;
}

/** int parses a decimal integer within [min, max]. */
export function int(ctx: Ctx, d: Directive, min: number, max: number, what?: string): number | undefined {
  const v = d.value;
  const range = max === Number.MAX_SAFE_INTEGER ? `an integer >= ${min}` : `${min}..${max}`;
  if (v === undefined || !/^\d+$/.test(v)) {
    ctx.diags.error(d.line, d.key, `${what ?? d.key} must be ${range}, got ${show(v)}`);
    return undefined;
  }
  const n = Number(v);
  if (n < min || n > max) {
    ctx.diags.error(d.line, d.key, `${what ?? d.key} must be ${range}, got ${v}`);
    return undefined;
  }
  return n;
}

/** positive parses an integer > 0 (timeouts, counts, intervals). */
export function positive(ctx: Ctx, d: Directive): number | undefined {
  return int(ctx, d, 1, Number.MAX_SAFE_INTEGER);
}

/**
 * MAX_TIMER_SECONDS is the longest delay a Node timer holds (2^31-1 ms); a longer one fires after
 * 1 ms instead, so a bigger timeout would fail every check at once and a bigger interval would
 * spin the check loop. The original (alarm/sleep) had no such limit, but no real config needs it.
 */
export const MAX_TIMER_SECONDS = Math.floor((2 ** 31 - 1) / 1000);

/**
 * DECIMAL_SECONDS: an extension for sub-second checks (`checkinterval=0.2`, `checktimeout=0.5`),
 * to the millisecond. The original took the first run of digits, so 0.2 became 0 and an error.
 */
const DECIMAL_SECONDS = /^\d*\.\d{1,3}$/;

/**
 * seconds parses a duration in seconds that becomes a timer (timeouts, check interval): an
 * integer >= 1 as in the original, or a decimal > 0 with at most three places (milliseconds).
 */
export function seconds(ctx: Ctx, d: Directive): number | undefined {
  const v = d.value;
  if (v !== undefined && /^\d+$/.test(v) && Number(v) > MAX_TIMER_SECONDS) {
    ctx.diags.error(d.line, d.key, `${d.key} must be at most ${MAX_TIMER_SECONDS} seconds, got ${v}`);
    return undefined;
  }
  if (v !== undefined && DECIMAL_SECONDS.test(v)) {
    const n = Number(v);
    if (n > 0 && n <= MAX_TIMER_SECONDS) return n;
  } else if (v !== undefined && /^\d+$/.test(v) && Number(v) >= 1) {
    return Number(v);
  }
  const got = v !== undefined && /^\d+$/.test(v) ? v : show(v);
  ctx.diags.error(d.line, d.key, `${d.key} must be an integer >= 1, got ${got}, or a decimal of seconds > 0 with at most 3 places (e.g. 0.2)`);
  return undefined;
}

/** yesNo parses exactly `yes` or `no`. */
export function yesNo(ctx: Ctx, d: Directive): boolean | undefined {
  if (d.value === 'yes') return true;
  if (d.value === 'no') return false;
  ctx.diags.error(d.line, d.key, `${d.key} must be 'yes' or 'no', got ${show(d.value)}`);
  return undefined;
}

/** unquote removes one pair of surrounding double quotes, if present. */
export function unquote(v: string): string {
  return v.length >= 2 && v.startsWith('"') && v.endsWith('"') ? v.slice(1, -1) : v;
}

/**
 * quoted parses a value that must be written `"..."` and must not be empty (request, receive,
 * login, passwd, database, secret, callback, logfile). As in the original (greedy `"(.*)"`), the
 * string runs to the last quote and has no escapes.
 */
export function quoted(ctx: Ctx, d: Directive, allowEmpty = false): string | undefined {
  const v = d.value;
  if (v === undefined || v.length < 2 || !v.startsWith('"') || !v.endsWith('"')) {
    ctx.diags.error(d.line, d.key, `${d.key} must be a double-quoted string, e.g. ${d.key}="...", got ${show(v)}`);
    return undefined;
  }
  const s = v.slice(1, -1);
  if (s === '' && !allowEmpty) {
    ctx.diags.error(d.line, d.key, `${d.key} must not be empty`);
    return undefined;
  }
  return s;
}

/** text parses a value whose quotes are optional (checkcommand, virtualhost, ...); not empty. */
export function text(ctx: Ctx, d: Directive): string | undefined {
  const s = d.value === undefined ? '' : unquote(d.value);
  if (s === '') {
    ctx.diags.error(d.line, d.key, `${d.key} must not be empty`);
    return undefined;
  }
  return s;
}

/** RECEIVE_ERROR introduces each kind of refused receive pattern in a config error. */
const RECEIVE_ERROR = { 'invalid': 'is not a valid regular expression:', 'perl-only': 'uses', 'too-large': 'is too costly to match:' } as const;

/** regex checks that a receive string compiles for the engine the checks use (reference §0 #9, issue 16). */
export function regex(ctx: Ctx, line: number, directive: string, source: string): boolean {
  const re = compileReceivePattern(source);
  if (!isPatternError(re)) return true;
  ctx.diags.error(line, directive, `receive ${RECEIVE_ERROR[re.error]} ${re.message}`);
  return false;
}

/** withSlash gives a request its leading '/', unless it is an absolute URL (used verbatim). */
export function withSlash(req: string): string {
  return req.startsWith('/') || /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(req) ? req : `/${req}`;
}

/** smtpHost checks an SMTP server name or address (ldirectord L1634: [0-9A-Za-z._+-]+). */
export function smtpHost(ctx: Ctx, d: Directive): string | undefined {
  const val = d.value ?? '';
  if (/^[0-9A-Za-z._+-]+(?::\d+)?$/.test(val)) return val;
  ctx.diags.error(d.line, d.key, `invalid SMTP server address "${val}": expected a host name or address`);
  return undefined;
}

/** HOST_RE is the host syntax the original accepts: IPv4, a name, or [IPv6]. */
export const HOST_RE = '(?:\\d+\\.\\d+\\.\\d+\\.\\d+|[A-Za-z0-9.-]+|\\[[0-9A-Fa-f:.]+\\])';
/** PORT_RE is a port number or a service name. */
export const PORT_RE = '(?:\\d+|[A-Za-z0-9_-]+)';
