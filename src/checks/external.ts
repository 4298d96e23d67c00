import type { CheckFn, SpecOf } from './types.js';

/** ExternalSpec: an external check passes the virtual and the real on to its command. */
export type ExternalSpec = SpecOf<'checkCommand' | 'virtualAddress' | 'virtualPort' | 'fwmark'>;
import { execBounded, type ExecOutcome } from './lib/exec.js';
import { checkResult, clip } from './lib/result.js';

/** bracket writes IPv6 addresses as `[addr]`, the form ldirectord stores and passes on (L5297). */
function bracket(addr: string): string {
  return addr.includes(':') ? `[${addr}]` : addr;
}

/**
 * externalArgs are the four arguments of an external check (ldirectord check_external L3486):
 * virtual address, virtual port, real address, real port; for fwmark virtuals `<mark> 0 <rip> <rport>`.
 */
export function externalArgs(spec: ExternalSpec): string[] {
  const virtual = spec.fwmark !== undefined
    ? [String(spec.fwmark), '0']
    : [bracket(spec.virtualAddress ?? ''), String(spec.virtualPort)];
  return [...virtual, bracket(spec.realAddress), String(spec.realPort)];
}

/**
 * outcomeResult maps a finished child to up/down: exit 0 is up. A child killed by a signal is
 * down; the original counts it as up (`$? >> 8` is 0), which turns a crashing script into a
 * healthy real.
 */
export function outcomeResult(o: ExecOutcome, started: number) {
  if (o.spawnError !== undefined) return checkResult(false, `cannot run: ${o.spawnError}`, started);
  if (o.code === 0) return checkResult(true, '-', started);
  if (o.code === null) return checkResult(false, `killed by ${o.signal ?? 'signal'}`, started);
  const first = o.output.split('\n', 1)[0]?.trim() ?? '';
  return checkResult(false, first ? `exit status ${o.code}: ${clip(first, 120)}` : `exit status ${o.code}`, started);
}

/** check for checktype=external: run checkcommand (argv exec, no shell) with externalArgs. */
export const check: CheckFn<ExternalSpec> = async (spec, signal) => {
  const started = performance.now();
  if (spec.checkCommand === '') return checkResult(false, 'no checkcommand', started);
  const o = await execBounded(spec.checkCommand, externalArgs(spec), signal, Math.min(spec.maxBytes, 4096));
  return outcomeResult(o, started);
};
