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

/** clip shortens `text` to MESSAGE_LIMIT characters, marking the cut. */
export function clip(text: string, limit = MESSAGE_LIMIT): string {
  return text.length <= limit ? text : `${text.slice(0, limit)}...`;
}

/**
 * errorMessage turns anything thrown by a socket/library into a short reason: the errno-style
 * code when there is one (ECONNREFUSED, UND_ERR_SOCKET), else the message.
 */
export function errorMessage(err: unknown): string {
  if (err && typeof err === 'object') {
    const e = err as { code?: unknown; message?: unknown; cause?: unknown };
    // undici wraps the socket error: `fetch failed` / UND_ERR_* with the errno in `cause`.
    if (e.cause && typeof e.cause === 'object' && typeof (e.cause as { code?: unknown }).code === 'string') {
      return (e.cause as { code: string }).code;
    }
    if (typeof e.code === 'string' && e.code !== '') return e.code;
    if (typeof e.message === 'string' && e.message !== '') return clip(e.message);
  }
  return clip(String(err));
}

/**
 * perlTest applies `re` the way Perl applies an unflagged pattern to a response: `$` also
 * matches before a final newline, so `^OK$` matches "OK\n" as it does in ldirectord.
 */
export function perlTest(re: RegExp, text: string): boolean {
  return re.test(text) || (text.endsWith('\n') && re.test(text.slice(0, -1)));
}

/**
 * compileReceive turns a receive string into a RegExp, or returns the reason it is invalid.
 * An invalid pattern is a down result with a message, never a crash (ldirectord L3056 dies).
 */
export function compileReceive(receive: string): RegExp | string {
  try {
    return new RegExp(receive);
  } catch (e) {
    return `invalid receive regex: ${errorMessage(e)}`;
  }
}
