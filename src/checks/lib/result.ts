import { isLdError } from '../../util/errors.js';
import type { CheckResult } from '../types.js';

/**
 * checkResult builds a CheckResult, measuring wall time from `startedAt` (a performance.now()
 * reading). runCheck re-measures around the whole call; checkers still fill it so that a
 * checker called directly (tests, other runners) reports a meaningful duration.
 */
export function checkResult(up: boolean, message: string, startedAt: number): CheckResult {
  return { up, message, durationMs: performance.now() - startedAt };
}

/** MESSAGE_LIMIT bounds every message a checker produces: it ends up in logs and the monitorfile. */
export const MESSAGE_LIMIT = 200;

/** clip shortens `text` to `limit` characters (MESSAGE_LIMIT by default), marking the cut. */
export function clip(text: string, limit = MESSAGE_LIMIT): string {
  return text.length <= limit ? text : `${text.slice(0, limit)}...`;
}

/**
 * ErrorStyle picks how much of a thrown error a check reports. 'errno': just the errno-style
 * code when there is one (ECONNREFUSED): what connection-level checks (connect, http, dns, ...)
 * show, per the CheckResult contract. 'detail': the error's first line, prefixed with its code
 * when the text lacks it: line protocols (mail, ldap, ftp), where the text is the server's reply.
 */
export type ErrorStyle = 'errno' | 'detail';

/**
 * errorText turns anything thrown by a socket/library into one short line. In both styles our
 * own failures (LdError, from fail()) are verbatim, undici's wrapped socket error (`fetch
 * failed` with the errno in `cause`) is that errno, and OpenSSL's long "error:0A00010B:SSL
 * routines:fn:reason:file:line" is shortened to its reason.
 */
export function errorText(err: unknown, style: ErrorStyle = 'errno'): string {
  if (isLdError(err)) return clip(err.message);
  if (!err || typeof err !== 'object') return clip(String(err));
  const e = err as { code?: unknown; message?: unknown; cause?: unknown; name?: unknown };
  const causeCode = e.cause && typeof e.cause === 'object' ? (e.cause as { code?: unknown }).code : undefined;
  if (typeof causeCode === 'string' && causeCode !== '') return causeCode;
  const code = typeof e.code === 'string' && e.code !== '' ? e.code : undefined;
  if (style === 'errno' && code !== undefined) return code;
  if (typeof e.message !== 'string') return clip(String(err));
  let text = e.message.split('\n')[0] ?? '';
  const ssl = /SSL routines:[^:]*:([^:]+)/.exec(text);
  if (ssl?.[1]) text = ssl[1];
  if (style === 'detail' && code !== undefined && !text.includes(code)) text = `${code}: ${text}`;
  return clip(text || (typeof e.name === 'string' ? e.name : String(err)));
}
