/**
 * The words after a control action: `show [--json]`, `drain REAL [--reason TEXT]`, `enable REAL`.
 * A small parser of its own: yargs stops at the first positional (require_order), so these
 * options arrive here as plain words.
 */
import { parseTarget } from '../director/drain.js';
import { isLdError } from '../util/errors.js';
import type { ControlAction } from './args.js';

export type ControlArgs =
  | { readonly action: 'show'; readonly json: boolean }
  | { readonly action: 'drain'; readonly real: string; readonly reason: string }
  | { readonly action: 'enable'; readonly real: string };

/** parseControlArgs returns the request, or a usage message. */
export function parseControlArgs(action: ControlAction, words: readonly string[]): ControlArgs | { readonly usage: string } {
  const rest = [...words];
  if (action === 'show') {
    let json = false;
    for (const w of rest) {
      if (w === '--json') json = true;
      else return { usage: `show: unexpected argument "${w}" (show [--json])` };
    }
    return { action, json };
  }
  let real: string | undefined;
  let reason: string | undefined;
  while (rest.length > 0) {
    const w = rest.shift()!;
    if (action === 'drain' && (w === '--reason' || w.startsWith('--reason='))) {
      const v = w === '--reason' ? rest.shift() : w.slice('--reason='.length);
      if (v === undefined) return { usage: 'drain: --reason needs a text' };
      reason = v;
    } else if (real === undefined && !w.startsWith('-')) {
      real = w;
    } else {
      return { usage: `${action}: unexpected argument "${w}" (${action === 'drain' ? 'drain REAL [--reason TEXT]' : 'enable REAL'})` };
    }
  }
  if (real === undefined) return { usage: `${action}: which real server? (${action} ADDRESS[:PORT])` };
  try {
    parseTarget(real);
  } catch (e) {
    if (isLdError(e)) return { usage: `${action}: ${e.message}` };
    throw e;
  }
  return action === 'drain' ? { action, real, reason: reason ?? '' } : { action, real };
}
