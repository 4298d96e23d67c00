/**
 * The checks that answer without looking: checktype=on and service=none are always up
 * (ldirectord L2929, ref §3.2: negotiate with service none sends nothing); checktype=off is
 * never up (the original still activates the fallback at startup, surprise #11: that is the
 * director's business).
 */
import type { CheckFn } from './types.js';

/** alwaysUp: checktype=on, service=none. */
export const alwaysUp: CheckFn = async () => ({ up: true, message: '-', durationMs: 0 });

/** alwaysDown: checktype=off. */
export const alwaysDown: CheckFn = async () => ({ up: false, message: '-', durationMs: 0 });
