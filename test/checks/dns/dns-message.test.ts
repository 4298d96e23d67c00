import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as dnsPacket from 'dns-packet';
import { buildQueries, expandIpv6, matchResponse, reverseName } from '../../../src/checks/wire/dns-message.js';

test('reverseName', async (t) => {
  const cases = [
    { desc: 'IPv4', ip: '127.0.7.50', want: '50.7.0.127.in-addr.arpa' },
    { desc: 'IPv6 compressed', ip: '2001:db8::1', want: `1.0.0.0.${'0.'.repeat(20)}8.b.d.0.1.0.0.2.ip6.arpa` },
    { desc: 'IPv6 loopback', ip: '::1', want: `1.${'0.'.repeat(31)}ip6.arpa` },
  ];
  for (const c of cases) await t.test(c.desc, () => assert.equal(reverseName(c.ip), c.want));
});

test('expandIpv6', async (t) => {
  const cases = [
    { desc: 'all zero', ip: '::', want: '0'.repeat(32) },
    { desc: 'full form', ip: 'fd00:1:2:3:4:5:6:7', want: 'fd000001000200030004000500060007' },
    { desc: 'embedded IPv4', ip: '::ffff:127.0.7.1', want: `${'0'.repeat(20)}ffff7f000701` },
  ];
  for (const c of cases) await t.test(c.desc, () => assert.equal(expandIpv6(c.ip), c.want));
});

test('buildQueries: A+AAAA for a name, PTR for an address, distinct ids', () => {
  const byName = buildQueries('www.example.org.', () => 7);
  assert.deepEqual(byName.map((q) => [q.type, q.name]), [['A', 'www.example.org'], ['AAAA', 'www.example.org']]);
  assert.notEqual(byName[0]!.id, byName[1]!.id);
  const decoded = dnsPacket.decode(byName[1]!.packet);
  assert.equal(decoded.id, byName[1]!.id);
  assert.deepEqual(decoded.questions, [{ name: 'www.example.org', type: 'AAAA', class: 'IN' }]);
  assert.deepEqual(buildQueries('10.1.2.3').map((q) => [q.type, q.name]), [['PTR', '3.2.1.10.in-addr.arpa']]);
});

test('matchResponse accepts only the answer to our question', async (t) => {
  const [q] = buildQueries('host.test', () => 4242);
  const answer = (over: Partial<dnsPacket.Packet> = {}): Buffer => dnsPacket.encode({
    type: 'response', id: q!.id, questions: [{ type: 'A', name: 'HOST.test', class: 'IN' }],
    answers: [{ type: 'CNAME', name: 'host.test', data: 'real.test' }, { type: 'A', name: 'real.test', data: '192.0.2.1' }],
    ...over,
  });
  const cases = [
    { desc: 'matching answer, CNAME skipped', buf: answer(), want: { rcode: 'NOERROR', values: ['192.0.2.1'] } },
    { desc: 'other id', buf: answer({ id: (q!.id + 1) & 0xffff }), want: undefined },
    { desc: 'other question', buf: answer({ questions: [{ type: 'A', name: 'evil.test' }] }), want: undefined },
    { desc: 'other type', buf: answer({ questions: [{ type: 'MX', name: 'host.test' }] }), want: undefined },
    { desc: 'a query, not a response', buf: answer({ type: 'query' }), want: undefined },
    { desc: 'garbage', buf: Buffer.from([q!.id >> 8, q!.id & 0xff, 0x81, 0x80, 0, 1]), want: undefined },
  ];
  for (const c of cases) await t.test(c.desc, () => assert.deepEqual(matchResponse(c.buf, q!), c.want));
});
