// Golden-byte tests of the IPVS codec. The SET_DEST and NEW_SERVICE bytes are the ones the kernel
// accepted (ipvs-netlink.md §5, "Message layout the kernel accepted"); the others are spelled out
// from the attribute table (§5.2) by hand, one attribute per line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeOp, frameRequest, IpvsRequests, type IpvsRequest } from '../../src/ipvs/codec.js';
import type { IpvsOp } from '../../src/ipvs/types.js';

const hex = (s: string): Buffer => Buffer.from(s.replace(/#[^\n]*/g, '').replace(/\s+/g, ''), 'hex');
const frame = (r: IpvsRequest): Buffer => frameRequest(r, { family: 28, seq: 7 });
const tcp80 = { family: 4, protocol: 'tcp', address: '10.0.0.1', port: 80 } as const;

const svcId = `
  06 00 01 00 02 00 00 00   # AF=2
  06 00 02 00 06 00 00 00   # PROTOCOL=6
  08 00 03 00 0a 00 00 01   # ADDR=10.0.0.1
  06 00 04 00 00 50 00 00   # PORT=80`;

const cases: { desc: string; req: IpvsRequest; want: string }[] = [
  {
    desc: 'SET_DEST as accepted by the kernel (weight 5, gate)',
    req: encodeOp({ op: 'editDest', key: tcp80, dest: { address: '127.0.0.2', port: 80, forward: 'route', weight: 5, upperThreshold: 0, lowerThreshold: 0 } }),
    want: `74 00 00 00 1c 00 05 00 07 00 00 00 00 00 00 00  06 01 00 00
      22 00 01 00 ${svcId}
      3c 00 02 00
        08 00 01 00 7f 00 00 02  06 00 02 00 00 50 00 00  06 00 0b 00 02 00 00 00
        08 00 03 00 03 00 00 00  08 00 04 00 05 00 00 00  08 00 05 00 00 00 00 00  08 00 06 00 00 00 00 00`,
  },
  {
    desc: 'NEW_SERVICE as accepted by the kernel (wrr, flags 0 mask ~0)',
    req: encodeOp({ op: 'addService', service: { key: tcp80, scheduler: 'wrr', flags: 0, timeout: 0, netmask: '255.255.255.255' } }),
    want: `5c 00 00 00 1c 00 05 00 07 00 00 00 00 00 00 00  01 01 00 00
      48 00 01 00 ${svcId}
        08 00 06 00 77 72 72 00              # SCHED_NAME "wrr"
        0c 00 07 00 00 00 00 00 ff ff ff ff  # FLAGS {0, ~0}
        08 00 08 00 00 00 00 00              # TIMEOUT 0
        08 00 09 00 ff ff ff ff              # NETMASK be32`,
  },
  {
    desc: 'SET_SERVICE persistent v4 with mask and pe',
    req: encodeOp({ op: 'editService', service: { key: tcp80, scheduler: 'sh', flags: 1, timeout: 300, netmask: '255.255.255.0', peName: 'sip' } }),
    want: `64 00 00 00 1c 00 05 00 07 00 00 00 00 00 00 00  02 01 00 00
      50 00 01 00 ${svcId}
        07 00 06 00 73 68 00 00  0c 00 07 00 01 00 00 00 ff ff ff ff
        08 00 08 00 2c 01 00 00  08 00 09 00 ff ff ff 00  08 00 0b 00 73 69 70 00`,
  },
  {
    desc: 'NEW_SERVICE fwmark IPv6, prefix netmask host order',
    req: encodeOp({ op: 'addService', service: { key: { family: 6, fwmark: 100 }, scheduler: 'rr', flags: 0x10, timeout: 0, netmask: '64' } }),
    want: `4c 00 00 00 1c 00 05 00 07 00 00 00 00 00 00 00  01 01 00 00
      38 00 01 00
        06 00 01 00 0a 00 00 00  08 00 05 00 64 00 00 00  07 00 06 00 72 72 00 00
        0c 00 07 00 10 00 00 00 ff ff ff ff  08 00 08 00 00 00 00 00  08 00 09 00 40 00 00 00`,
  },
  {
    desc: 'DEL_SERVICE carries the identity only (udp)',
    req: encodeOp({ op: 'delService', key: { ...tcp80, protocol: 'udp', port: 53 } }),
    want: `36 00 00 00 1c 00 05 00 07 00 00 00 00 00 00 00  03 01 00 00
      22 00 01 00  06 00 01 00 02 00 00 00  06 00 02 00 11 00 00 00  08 00 03 00 0a 00 00 01  06 00 04 00 00 35 00 00`,
  },
  {
    desc: 'NEW_DEST IPv6 sctp tunnel gue with port and csum',
    req: encodeOp({ op: 'addDest', key: { family: 6, protocol: 'sctp', address: '2001:db8::1', port: 443 },
      dest: { address: '2001:db8::2', port: 443, forward: 'tunnel', weight: 3, upperThreshold: 100, lowerThreshold: 10, tunType: 'gue', tunPort: 6080, tunFlags: 1 } }),
    want: `a2 00 00 00 1c 00 05 00 07 00 00 00 00 00 00 00  05 01 00 00
      2e 00 01 00  06 00 01 00 0a 00 00 00  06 00 02 00 84 00 00 00
        14 00 03 00 20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 01  06 00 04 00 01 bb 00 00
      5e 00 02 00
        14 00 01 00 20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 02  06 00 02 00 01 bb 00 00  06 00 0b 00 0a 00 00 00
        08 00 03 00 02 00 00 00  08 00 04 00 03 00 00 00  08 00 05 00 64 00 00 00  08 00 06 00 0a 00 00 00
        05 00 0d 00 01 00 00 00  06 00 0e 00 17 c0 00 00  06 00 0f 00 01 00 00 00`,
  },
  {
    desc: 'NEW_DEST IPv4 dest under an IPv6 service (mixed family, ipip)',
    req: encodeOp({ op: 'addDest', key: { family: 6, fwmark: 1 },
      dest: { address: '192.0.2.7', port: 0, family: 4, forward: 'tunnel', weight: 1, upperThreshold: 0, lowerThreshold: 0, tunType: 'ipip' } }),
    want: `69 00 00 00 1c 00 05 00 07 00 00 00 00 00 00 00  05 01 00 00
      14 00 01 00  06 00 01 00 0a 00 00 00  08 00 05 00 01 00 00 00
      41 00 02 00  08 00 01 00 c0 00 02 07  06 00 02 00 00 00 00 00  06 00 0b 00 02 00 00 00
        08 00 03 00 02 00 00 00  08 00 04 00 01 00 00 00  08 00 05 00 00 00 00 00  08 00 06 00 00 00 00 00
        05 00 0d 00 00 00 00 00`,
  },
  {
    desc: 'DEL_DEST masq identity only',
    req: encodeOp({ op: 'delDest', key: tcp80, dest: { address: '10.1.1.1', port: 8080 } }),
    want: `52 00 00 00 1c 00 05 00 07 00 00 00 00 00 00 00  07 01 00 00
      22 00 01 00 ${svcId}
      1a 00 02 00  08 00 01 00 0a 01 01 01  06 00 02 00 1f 90 00 00  06 00 0b 00 02 00 00 00`,
  },
  { desc: 'GET_SERVICE dump', req: IpvsRequests.getServices(), want: '14 00 00 00 1c 00 01 03 07 00 00 00 00 00 00 00  04 01 00 00' },
  {
    desc: 'GET_SERVICE one (doit)', req: IpvsRequests.getService(tcp80),
    want: `36 00 00 00 1c 00 05 00 07 00 00 00 00 00 00 00  04 01 00 00  22 00 01 00 ${svcId}`,
  },
  {
    desc: 'GET_DEST dump of one service', req: IpvsRequests.getDests(tcp80),
    want: `36 00 00 00 1c 00 01 03 07 00 00 00 00 00 00 00  08 01 00 00  22 00 01 00 ${svcId}`,
  },
  { desc: 'GET_INFO', req: IpvsRequests.getInfo(), want: '14 00 00 00 1c 00 05 00 07 00 00 00 00 00 00 00  0f 01 00 00' },
  { desc: 'GET_CONFIG', req: IpvsRequests.getConfig(), want: '14 00 00 00 1c 00 05 00 07 00 00 00 00 00 00 00  0d 01 00 00' },
  {
    desc: 'SET_CONFIG only the given timeouts', req: IpvsRequests.setConfig({ tcp: 900, udp: 300 }),
    want: '24 00 00 00 1c 00 05 00 07 00 00 00 00 00 00 00  0c 01 00 00  08 00 04 00 84 03 00 00  08 00 06 00 2c 01 00 00',
  },
  { desc: 'FLUSH', req: IpvsRequests.flush(), want: '14 00 00 00 1c 00 05 00 07 00 00 00 00 00 00 00  11 01 00 00' },
  { desc: 'ZERO all', req: IpvsRequests.zero(), want: '14 00 00 00 1c 00 05 00 07 00 00 00 00 00 00 00  10 01 00 00' },
  {
    desc: 'ZERO one service', req: IpvsRequests.zero(tcp80),
    want: `36 00 00 00 1c 00 05 00 07 00 00 00 00 00 00 00  10 01 00 00  22 00 01 00 ${svcId}`,
  },
  {
    desc: 'NEW_DAEMON master with group, port, ttl, maxlen',
    req: IpvsRequests.newDaemon({ state: 'master', mcastIfn: 'eth0', syncId: 9, syncMaxLen: 1472, mcastGroup: '224.0.0.81', mcastPort: 8848, mcastTtl: 1 }),
    want: `51 00 00 00 1c 00 05 00 07 00 00 00 00 00 00 00  09 01 00 00
      3d 00 03 00  08 00 01 00 01 00 00 00  09 00 02 00 65 74 68 30 00 00 00 00  08 00 03 00 09 00 00 00
        06 00 04 00 c0 05 00 00  08 00 05 00 e0 00 00 51  06 00 07 00 90 22 00 00  05 00 08 00 01 00 00 00`,
  },
  {
    desc: 'DEL_DAEMON backup', req: IpvsRequests.delDaemon('backup'),
    want: '20 00 00 00 1c 00 05 00 07 00 00 00 00 00 00 00  0a 01 00 00  0c 00 03 00 08 00 01 00 02 00 00 00',
  },
  { desc: 'GET_DAEMON dump', req: IpvsRequests.getDaemons(), want: '14 00 00 00 1c 00 01 03 07 00 00 00 00 00 00 00  0b 01 00 00' },
];

for (const c of cases) {
  test(`encode: ${c.desc}`, () => {
    const got = frame(c.req);
    assert.equal(got.toString('hex'), hex(c.want).toString('hex'));
    assert.equal(got.length % 4, 0, 'buffers are 4-byte padded for concatenation');
  });
}

test('encode: nlmsg_len excludes the last attribute\'s padding, the buffer does not', () => {
  const got = frame(encodeOp({ op: 'delService', key: tcp80 }));
  assert.equal(got.readUInt32LE(0), 0x36);
  assert.equal(got.length, 0x38);
});

const invalid: { desc: string; op: IpvsOp }[] = [
  { desc: 'bad IPv4 address', op: { op: 'delService', key: { ...tcp80, address: '10.0.0.256' } } },
  { desc: 'IPv6 text in a v4 service', op: { op: 'delService', key: { ...tcp80, address: '::1' } } },
  { desc: 'bad IPv6 prefix', op: { op: 'addService', service: { key: { family: 6, fwmark: 1 }, scheduler: 'rr', flags: 0, timeout: 0, netmask: '129' } } },
  { desc: 'bad v4 netmask text', op: { op: 'addService', service: { key: tcp80, scheduler: 'rr', flags: 0, timeout: 0, netmask: '24' } } },
];
for (const c of invalid) {
  test(`encode rejects ${c.desc} with LD_ERR_IPVS_INVALID`, () => {
    assert.throws(() => encodeOp(c.op), (e: unknown) => (e as { code?: string }).code === 'LD_ERR_IPVS_INVALID');
  });
}
