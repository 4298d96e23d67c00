/**
 * Runs one check inside whatever network namespace this process was started in and prints the
 * CheckResult as JSON. Used by tests through `ip netns exec`. Argument: a CheckSpec as JSON.
 */
import { runCheck } from '../../../src/checks/run.js';
import type { CheckSpec } from '../../../src/checks/types.js';

const spec = JSON.parse(process.argv[2] ?? '{}') as CheckSpec;
const result = await runCheck(spec, new AbortController().signal);
process.stdout.write(`${JSON.stringify(result)}\n`);
