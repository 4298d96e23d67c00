// Sub-second intervals and timeouts (issue 14): written as decimals of seconds, to the
// millisecond. The original read the first run of digits, so `checkinterval=0.2` was 0 and an error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { probeFor } from '../../src/director/spec.js';
import { checkErrors, checkFields, ok, V, type ErrorCase, type FieldCase } from './helpers.js';

const g = 'global';
const v = 'virtuals.0';
const fields: FieldCase[] = [
  { desc: 'global checkinterval 0.2', cf: 'checkinterval=0.2\n', want: { [`${g}.checkinterval`]: 0.2 } },
  { desc: 'global checkinterval flows into virtuals', cf: 'checkinterval=0.25\n' + V(), want: { [`${v}.checkinterval`]: 0.25 } },
  { desc: 'per-virtual checkinterval 0.5', cf: 'checkinterval=3\n' + V('checkinterval=0.5'), want: { [`${v}.checkinterval`]: 0.5 } },
  { desc: 'timeouts 0.5 and 1.5', cf: V('checktimeout=0.5', 'negotiatetimeout=1.5'), want: { [`${v}.checktimeout`]: 0.5, [`${v}.negotiatetimeout`]: 1.5 } },
  { desc: 'global timeouts as decimals', cf: 'checktimeout=0.75\n' + V(), want: { [`${v}.checktimeout`]: 0.75, [`${v}.negotiatetimeout`]: 0.75 } },
  { desc: 'leading dot', cf: 'checkinterval=.5\n', want: { [`${g}.checkinterval`]: 0.5 } },
  { desc: 'one millisecond', cf: 'checkinterval=0.001\n', want: { [`${g}.checkinterval`]: 0.001 } },
  { desc: 'decimal with a whole part', cf: 'checkinterval=2.5\n', want: { [`${g}.checkinterval`]: 2.5 } },
];
for (const c of fields) test(c.desc, () => checkFields(c));

const bad: ErrorCase[] = [
  { desc: 'zero as a decimal', cf: 'checkinterval=0.0\n', want: [[1, 'checkinterval', 'checkinterval must be an integer >= 1, got "0.0", or a decimal of seconds > 0 with at most 3 places']] },
  { desc: 'finer than a millisecond', cf: 'checkinterval=0.0005\n', want: [[1, 'checkinterval', 'got "0.0005"']] },
  { desc: 'trailing dot', cf: V('checktimeout=1.'), want: [[3, 'checktimeout', 'got "1."']] },
  { desc: 'comma as decimal mark', cf: V('negotiatetimeout=0,5'), want: [[3, 'negotiatetimeout', 'got "0,5"']] },
  { desc: 'negative', cf: 'checktimeout=-0.5\n', want: [[1, 'checktimeout', 'got "-0.5"']] },
  { desc: 'exponent', cf: 'checkinterval=2e-1\n', want: [[1, 'checkinterval', 'got "2e-1"']] },
  { desc: 'decimal beyond a timer', cf: 'checkinterval=2147484.5\n', want: [[1, 'checkinterval', 'got "2147484.5"']] },
];
for (const c of bad) test(c.desc, () => checkErrors(c));

test('sub-second values reach the scheduler as whole milliseconds', async () => {
  const cfg = await ok('checkinterval=1.1\n' + V('checktimeout=0.3', 'negotiatetimeout=1.1'));
  const vs = cfg.virtuals[0]!;
  const probe = probeFor(vs, vs.reals[0]!, cfg.global);
  assert.equal(probe.intervalMs, 1100);
  assert.equal(probe.spec.timeoutMs, 1100);
});
