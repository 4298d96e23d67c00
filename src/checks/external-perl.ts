import type { CheckFn } from './types.js';
import type { ExternalSpec } from './external.js';
import { execBounded } from './lib/exec.js';
import { externalArgs, outcomeResult } from './external.js';
import { checkResult } from './lib/result.js';

/**
 * check for checktype=external-perl: the same contract as external, but checkcommand is a Perl
 * file run as `perl <file> args`. The original compiles it into its own process
 * (L3520-3545), so a script that loops or dies there stalls or breaks the daemon; a separate
 * perl process gives the same @ARGV and exit-status semantics without that.
 */
export const check: CheckFn<ExternalSpec> = async (spec, signal) => {
  const started = performance.now();
  if (spec.checkCommand === '') return checkResult(false, 'no checkcommand', started);
  const o = await execBounded('perl', [spec.checkCommand, ...externalArgs(spec)], signal, Math.min(spec.maxBytes, 4096));
  return outcomeResult(o, started);
};
