/**
 * Process probes by pid, as ldirectord does them (L1026-1039): a pid belongs to a running
 * ldirectord when /proc/<pid>/cmdline contains "ldirectord". A zombie has an empty cmdline, so
 * it counts as gone, which is what a waiting `stop` wants.
 */
import { readFileSync } from 'node:fs';
import type { Clock } from '../util/clock.js';

/** isLdirectordPid tells whether `pid` is alive and its command line mentions ldirectord. */
export function isLdirectordPid(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'latin1').includes('ldirectord');
  } catch {
    return false;
  }
}

/**
 * waitForExit polls until `pid` is no longer a running ldirectord or `timeoutMs` passes;
 * resolves true if it went away.
 */
export function waitForExit(pid: number, timeoutMs: number, clock: Clock, pollMs = 100): Promise<boolean> {
  const deadline = clock.monotonic() + timeoutMs;
  return new Promise((resolve) => {
    const tick = (): void => {
      if (!isLdirectordPid(pid)) return resolve(true);
      if (clock.monotonic() >= deadline) return resolve(false);
      clock.setTimeout(tick, pollMs);
    };
    tick();
  });
}
