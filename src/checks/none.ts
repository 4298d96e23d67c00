import type { CheckFn } from './types.js';

/** check for service=none under negotiate: nothing is sent, the real is always up (ref §3.2). */
export const check: CheckFn = async () => ({ up: true, message: '-', durationMs: 0 });
