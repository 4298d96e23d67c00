/**
 * Effective timeouts (ldirectord ld_setup L2357-2385, reference §2.5): each is the first value
 * that is set, in this order (a per-virtual negotiatetimeout beats a global checktimeout for
 * both timeouts, unlike what the man page says):
 *   checktimeout:     v.checktimeout, v.negotiatetimeout, G.checktimeout, G.negotiatetimeout, 5
 *   negotiatetimeout: v.negotiatetimeout, v.checktimeout, G.negotiatetimeout, G.checktimeout, 30
 */
import { DEFAULTS } from './defaults.js';

/** TimeoutInputs are the four values as written (undefined = not set). */
export interface TimeoutInputs {
  readonly vCheck?: number;
  readonly vNegotiate?: number;
  readonly gCheck?: number;
  readonly gNegotiate?: number;
}

/** effectiveTimeouts applies the original's fallback order. */
export function effectiveTimeouts(t: TimeoutInputs): { checktimeout: number; negotiatetimeout: number } {
  return {
    checktimeout: t.vCheck ?? t.vNegotiate ?? t.gCheck ?? t.gNegotiate ?? DEFAULTS.checktimeout,
    negotiatetimeout: t.vNegotiate ?? t.vCheck ?? t.gNegotiate ?? t.gCheck ?? DEFAULTS.negotiatetimeout,
  };
}
