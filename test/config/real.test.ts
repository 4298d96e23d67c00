// real=/real6= lines (reference §2.3) including ranges and the original's fixed bugs
// (surprises #1, #5, the weight-in-receive quirk, the `le` range quirk).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRealLine } from '../../src/config/real-line.js';
import { intToIp, ipToInt } from '../../src/config/reals.js';
import { checkErrors, checkFields, ok, warnings, type ErrorCase, type FieldCase } from './helpers.js';

const v4 = (...reals: string[]): string => `virtual=192.0.2.1:80\n${reals.map((r) => `\t${r}\n`).join('')}`;
const v6 = (...reals: string[]): string => `virtual6=[2001:db8::1]:80\n${reals.map((r) => `\t${r}\n`).join('')}`;
const r0 = 'virtuals.0.reals.0';

const fields: FieldCase[] = [
  { desc: 'minimal', cf: v4('real=192.0.2.2 gate'), want: { [r0]: { family: 4, address: '192.0.2.2', port: 0, forward: 'gate', weight: 1, lowerThreshold: 0, upperThreshold: 0, pos: { file: '/t/test.cf', line: 2 } } } },
  { desc: 'port, masq, weight', cf: v4('real=192.0.2.2:8080 masq 5'), want: { [`${r0}.port`]: 8080, [`${r0}.forward`]: 'masq', [`${r0}.weight`]: 5 } },
  { desc: 'ipip, weight 0', cf: v4('real=192.0.2.2:80 ipip 0'), want: { [`${r0}.forward`]: 'ipip', [`${r0}.weight`]: 0 } },
  { desc: 'service-name port (any protocol)', cf: v4('real=192.0.2.2:http-alt gate'), want: { [`${r0}.port`]: 8080 } },
  { desc: 'hostname', cf: v4('real=web1.example.test:80 gate'), want: { [`${r0}.address`]: '192.0.2.21' } },
  { desc: 'request/receive, space separated', cf: v4('real=192.0.2.2:80 gate 2 "check.html" "Test Page"'), want: { [`${r0}.request`]: '/check.html', [`${r0}.receive`]: 'Test Page', [`${r0}.weight`]: 2 } },
  { desc: 'request/receive, comma separated', cf: v4('real=192.0.2.2:80 gate "check.html","OK"'), want: { [`${r0}.request`]: '/check.html', [`${r0}.receive`]: 'OK' } },
  { desc: 'request/receive, comma and space', cf: v4('real=192.0.2.2:80 gate "check.html", "OK"'), want: { [`${r0}.receive`]: 'OK' } },
  { desc: 'request starting with / keeps its receive (original lost it, surprise #5)', cf: v4('real=192.0.2.2:80 gate "/check.html" "OK" l:3 u:7'), want: { [`${r0}.request`]: '/check.html', [`${r0}.receive`]: 'OK', [`${r0}.lowerThreshold`]: 3, [`${r0}.upperThreshold`]: 7 } },
  { desc: 'a number inside receive is not a weight', cf: v4('real=192.0.2.6:80 gate "check.html" "HTTP/1.1 200"'), want: { [`${r0}.weight`]: 1, [`${r0}.receive`]: 'HTTP/1.1 200' } },
  { desc: 'absolute URL request is kept verbatim', cf: v4('real=192.0.2.2:80 gate "http://www.example.test/x" "ok"'), want: { [`${r0}.request`]: 'http://www.example.test/x' } },
  { desc: 'receive may contain quotes (runs to the last quote)', cf: v4('real=192.0.2.2:80 gate "/" "a "b" c"'), want: { [`${r0}.receive`]: 'a "b" c' } },
  { desc: 'thresholds without strings', cf: v4('real=192.0.2.2:80 gate 3 l:10 u:100'), want: { [`${r0}.lowerThreshold`]: 10, [`${r0}.upperThreshold`]: 100, [`${r0}.request`]: undefined } },
  { desc: 'upper threshold only', cf: v4('real=192.0.2.2:80 gate u:100'), want: { [`${r0}.upperThreshold`]: 100, [`${r0}.lowerThreshold`]: 0 } },
  { desc: 'real6 with brackets', cf: v6('real6=[2001:db8::2]:80 gate'), want: { [r0]: { family: 6, address: '2001:db8::2', port: 80, forward: 'gate', weight: 1, lowerThreshold: 0, upperThreshold: 0, pos: { file: '/t/test.cf', line: 2 } } } },
  { desc: 'real6 hostname', cf: v6('real6=www.example.test gate'), want: { [`${r0}.address`]: '2001:db8::10' } },
  { desc: 'range, inclusive', cf: v4('real=192.0.2.2->192.0.2.4:80 gate 2'), want: { 'virtuals.0.reals.length': 3, 'virtuals.0.reals.2.address': '192.0.2.4', 'virtuals.0.reals.2.weight': 2, 'virtuals.0.reals.2.port': 80 } },
  { desc: 'range 9->10 in the last octet', cf: v4('real=192.0.2.9->192.0.2.10 gate'), want: { 'virtuals.0.reals.length': 2, 'virtuals.0.reals.1.address': '192.0.2.10' } },
  { desc: 'range across the 10^9 digit-count boundary of the address integer (original: no reals)', cf: v4('real=59.154.201.254->59.154.202.1 gate'), want: { 'virtuals.0.reals.length': 4, 'virtuals.0.reals.3.address': '59.154.202.1' } },
  { desc: 'range across an octet boundary', cf: v4('real=10.0.0.255->10.0.1.1:80 masq'), want: { 'virtuals.0.reals.length': 3, 'virtuals.0.reals.1.address': '10.0.1.0' } },
  { desc: 'range of one', cf: v4('real=192.0.2.7->192.0.2.7 gate'), want: { 'virtuals.0.reals.length': 1 } },
  { desc: 'range with hostnames', cf: v4('real=web1.example.test->web2.example.test gate'), want: { 'virtuals.0.reals.length': 2, 'virtuals.0.reals.1.address': '192.0.2.22' } },
  { desc: 'same address, different ports with masq', cf: v4('real=192.0.2.2:80 masq', 'real=192.0.2.2:81 masq'), want: { 'virtuals.0.reals.length': 2 } },
];

const errs: ErrorCase[] = [
  { desc: 'a.b.c.[x-y] is not a range (original: silently real 0.0.0.80)', cf: v4('real=192.168.6.[2-3]:80 gate 2 ".testpage" "Test Page"'), want: [[2, 'real', 'invalid real server address "192.168.6.[2-3]:80"']] },
  { desc: 'leading junk', cf: v4('real=junk! 192.0.2.2 gate'), want: [[2, 'real', 'invalid real server address "junk!"']] },
  { desc: 'bad forward method', cf: v4('real=192.0.2.2:80 direct'), want: [[2, 'real', 'forward method must be gate, masq or ipip, got "direct"']] },
  { desc: 'forward method is case-sensitive', cf: v4('real=192.0.2.2:80 Gate'), want: [[2, 'real', 'got "Gate"']] },
  { desc: 'missing forward method', cf: v4('real=192.0.2.2:80'), want: [[2, 'real', 'forward method missing']] },
  { desc: 'one quoted string only', cf: v4('real=192.0.2.2:80 gate "check.html"'), want: [[2, 'real', 'expected "request" "receive"']] },
  { desc: 'quoted thresholds (man page form) are an error', cf: v4('real=192.0.2.2:80 gate "l:10" "u:100" junk'), want: [[2, 'real', 'unexpected "junk"']] },
  { desc: 'trailing junk names it', cf: v4('real=192.0.2.2:80 gate 1 extra'), want: [[2, 'real', 'unexpected "extra"']] },
  { desc: 'fractional weight', cf: v4('real=192.0.2.2:80 gate 1.5'), want: [[2, 'real', 'unexpected "1.5"']] },
  { desc: 'weight above 65535', cf: v4('real=192.0.2.2:80 gate 70000'), want: [[2, 'real', 'weight must be 0..65535, got 70000']] },
  { desc: 'threshold above 2^32-1', cf: v4('real=192.0.2.2:80 gate u:4294967296'), want: [[2, 'real', 'threshold u: must be 0..4294967295, got 4294967296']] },
  { desc: 'empty request', cf: v4('real=192.0.2.2:80 gate "" "x"'), want: [[2, 'real', 'request string must not be empty']] },
  { desc: 'receive regex that does not compile', cf: v4('real=192.0.2.2:80 gate "/" "(unbalanced"'), want: [[2, 'real', 'receive is not a valid regular expression']] },
  { desc: 'receive regex RE2 cannot run (issue 16)', cf: v4('real=192.0.2.2:80 gate "/" "(?<!x)OK"'), want: [[2, 'real', 'receive is not a valid regular expression']] },
  { desc: 'receive regex too costly to match (issue 16)', cf: v4('real=192.0.2.2:80 gate "/" "[ab]{1000}"'), want: [[2, 'real', 'receive is too costly to match']] },
  { desc: 'port above 65535', cf: v4('real=192.0.2.2:70000 gate'), want: [[2, 'real', 'port must be 0..65535, got 70000']] },
  { desc: 'unknown port name', cf: v4('real=192.0.2.2:nosuch gate'), want: [[2, 'real', 'unknown service name "nosuch"']] },
  { desc: 'unresolvable host', cf: v4('real=nowhere.example.test gate'), want: [[2, 'real', 'invalid address "nowhere.example.test" for real server (could not resolve as IPv4)']] },
  { desc: 'range end unresolvable', cf: v4('real=192.0.2.2->nowhere.example.test gate'), want: [[2, 'real', 'for the end of the range']] },
  { desc: 'reversed range', cf: v4('real=192.0.2.9->192.0.2.2 gate'), want: [[2, 'real', 'invalid range 192.0.2.9->192.0.2.2']] },
  { desc: 'huge range', cf: v4('real=10.0.0.0->10.2.0.0 gate'), want: [[2, 'real', 'at most 65536']] },
  { desc: 'IPv6 range', cf: v6('real6=[2001:db8::2]->[2001:db8::3] gate'), want: [[2, 'real6', 'ranges are not supported for IPv6']] },
  { desc: 'real6 in virtual', cf: v4('real6=[2001:db8::2] gate'), want: [[2, 'real6', 'use "real"']] },
  { desc: 'real in virtual6', cf: v6('real=192.0.2.2 gate'), want: [[2, 'real', 'use "real6"']] },
  { desc: 'IPv4 address in real6', cf: v6('real6=192.0.2.2 gate'), want: [[2, 'real6', 'could not resolve as IPv6']] },
  { desc: 'duplicate real (gate ignores the real port)', cf: v4('real=192.0.2.2:80 gate', 'real=192.0.2.2:8080 gate'), want: [[3, 'real', 'duplicate real server 192.0.2.2:80 in this virtual service (first at line 2)']] },
  { desc: 'duplicate via range overlap', cf: v4('real=192.0.2.2->192.0.2.4 gate', 'real=192.0.2.3 gate'), want: [[3, 'real', 'duplicate real server 192.0.2.3:80']] },
];

for (const c of fields) test(`real ok: ${c.desc}`, () => checkFields(c));
for (const c of errs) test(`real error: ${c.desc}`, () => checkErrors(c));

test('ipToInt/intToIp round-trip at the edges', () => {
  for (const ip of ['0.0.0.0', '0.0.0.9', '10.0.0.10', '192.0.2.255', '255.255.255.255']) assert.equal(intToIp(ipToInt(ip)), ip);
  assert.ok(ipToInt('0.0.0.9') < ipToInt('0.0.0.10'));
});

test('parseRealLine returns the raw spec (no resolution, no defaults)', () => {
  assert.deepEqual(parseRealLine('a.example->b.example:http masq 4 "x" "y" l:1 u:2'), {
    first: 'a.example', last: 'b.example', portText: 'http', forward: 'masq', weight: 4, request: 'x', receive: 'y', lower: 1, upper: 2,
  });
  assert.deepEqual(parseRealLine('10.0.0.1 gate'), { first: '10.0.0.1', forward: 'gate' });
});

test('quoted thresholds (man page form) are request/receive, with a warning', async () => {
  const w = await warnings(v4('real=192.0.2.2:80 gate "l:10" "u:100"'));
  assert.deepEqual(w.map((d) => [d.line, d.directive]), [[2, 'real']]);
  assert.match(w[0]!.message, /thresholds are written bare/);
  const cfg = await ok(v4('real=192.0.2.2:80 gate "l:10" "u:100"'));
  assert.equal(cfg.virtuals[0]!.reals[0]!.request, '/l:10');
  assert.equal(cfg.virtuals[0]!.reals[0]!.upperThreshold, 0);
});
