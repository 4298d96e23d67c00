// Address text <-> bytes. Expected strings are what glibc inet_ntop prints (ipvsadm uses it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatIPv6, parseIPv4, parseIPv6 } from '../../src/ipvs/addr.js';

const cases: { desc: string; input: string; hex: string; printed: string }[] = [
  { desc: 'documentation prefix', input: '2001:db8::1', hex: '20010db8000000000000000000000001', printed: '2001:db8::1' },
  { desc: 'all zero', input: '::', hex: '0'.repeat(32), printed: '::' },
  { desc: 'loopback', input: '::1', hex: '0'.repeat(31) + '1', printed: '::1' },
  { desc: 'trailing run', input: '2001:db8::', hex: '20010db8' + '0'.repeat(24), printed: '2001:db8::' },
  { desc: 'first of two equal runs', input: '1:0:0:2:0:0:3:4', hex: '00010000000000020000000000030004', printed: '1::2:0:0:3:4' },
  { desc: 'longest run wins', input: '1:0:2:0:0:0:3:4', hex: '00010000000200000000000000030004', printed: '1:0:2::3:4' },
  { desc: 'single zero word is not compressed', input: '1:2:3:0:5:6:7:8', hex: '00010002000300000005000600070008', printed: '1:2:3:0:5:6:7:8' },
  { desc: 'upper case and leading zeros', input: 'FE80:0000::00AB', hex: 'fe8000000000000000000000000000ab', printed: 'fe80::ab' },
  { desc: 'v4-mapped', input: '::ffff:10.1.2.3', hex: '00000000000000000000ffff0a010203', printed: '::ffff:10.1.2.3' },
  { desc: 'v4-compatible', input: '::10.1.2.3', hex: '0000000000000000000000000a010203', printed: '::10.1.2.3' },
  { desc: 'dotted tail after groups', input: '64:ff9b::192.0.2.33', hex: '0064ff9b0000000000000000c0000221', printed: '64:ff9b::c000:221' },
];
for (const c of cases) {
  test(`IPv6 ${c.desc}`, () => {
    assert.equal(parseIPv6(c.input).toString('hex'), c.hex);
    assert.equal(formatIPv6(Buffer.from(c.hex, 'hex')), c.printed);
  });
}

test('IPv4 parse', () => {
  assert.equal(parseIPv4('192.168.0.10').toString('hex'), 'c0a8000a');
  assert.throws(() => parseIPv4('1.2.3'), { code: 'LD_ERR_IPVS_INVALID' });
  assert.throws(() => parseIPv6('fe80::1%eth0'), { code: 'LD_ERR_IPVS_INVALID' });
});
