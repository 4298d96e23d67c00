import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encoded, escapeLabel, labelPairs, TextSink } from '../../src/director/exposition.js';
import { CheckHistogram } from '../../src/director/metrics.js';

const text = (s: TextSink): string => { const b = s.take().toString('utf8'); s.returned(); return b; };

test('exposition: label escaping, numbers as Prometheus reads them, label parts in any combination', () => {
  assert.equal(escapeLabel('a"b\\c\nd'), 'a\\"b\\\\c\\nd');
  const s = new TextSink(16);
  s.begin();
  const n = encoded('m');
  s.sample(n, undefined, 0);
  s.sample(n, labelPairs({ a: 'x"y', b: 'é' }), 4294967295);
  s.sample(n, undefined, 4294967296, encoded('k="v"'));
  s.sample(n, labelPairs({ a: '1' }), 0.25, encoded('k="v"'));
  s.sample(n, undefined, NaN);
  s.sample(n, undefined, Infinity);
  s.sample(n, undefined, -Infinity);
  s.sample(n, undefined, -3);
  s.sample(n, undefined, 1796650894.0315187);
  assert.equal(text(s), [
    'm 0', 'm{a="x\\"y",b="é"} 4294967295', 'm{k="v"} 4294967296', 'm{a="1",k="v"} 0.25',
    'm NaN', 'm +Inf', 'm -Inf', 'm -3', 'm 1796650894.0315187', '',
  ].join('\n'));
});

test('exposition: the buffer is reused between scrapes, and a buffer still lent to a response is not overwritten', () => {
  const s = new TextSink(8);
  s.begin();
  s.write('first scrape\n');
  const lent = s.take();
  s.begin(); // the response has not been flushed yet
  s.write('second\n');
  assert.equal(lent.toString(), 'first scrape\n');
  assert.equal(text(s), 'second\n');
  s.begin();
  s.write('third\n');
  assert.equal(text(s), 'third\n');
});

test('check-duration histogram: cumulative buckets, +Inf, sum and count per check', () => {
  const h = new CheckHistogram();
  for (const x of [0.0005, 0.003, 0.003, 20]) h.observe('http', x);
  h.observe('smtp', 0.2);
  const s = new TextSink();
  s.begin();
  h.render(s, 'd');
  const out = text(s);
  assert.match(out, /^# HELP d .*\n# TYPE d histogram\n/);
  assert.match(out, /\nd_bucket\{check="http",le="0\.001"\} 1\nd_bucket\{check="http",le="0\.005"\} 3\n/);
  assert.match(out, /\nd_bucket\{check="http",le="10"\} 3\nd_bucket\{check="http",le="\+Inf"\} 4\nd_sum\{check="http"\} 20\.0065\nd_count\{check="http"\} 4\n/);
  assert.match(out, /\nd_bucket\{check="smtp",le="0\.25"\} 1\n/);
});
