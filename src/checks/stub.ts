import type { CheckFn } from './types.js';

/**
 * notImplemented is a placeholder used only while a checker is being written. A check that
 * still uses it reports down with a clear reason; the test suite asserts none remain registered.
 */
export function notImplemented(name: string): CheckFn {
  return async () => ({ up: false, message: `${name} check not implemented`, durationMs: 0 });
}
