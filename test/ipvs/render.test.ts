// Renderer tests. The golden/ files were captured in the kernel lab: table.json is what our
// decoder read back from a kernel table built by `ipvsadm -R`, and the .txt files are the real
// `ipvsadm` 1.31 output for that same table (v4, v6, fwmark incl. 2^32-1, udp, sctp, masq/route/
// local/tunnel ipip/gue/gre, thresholds, persistence with mask and pe, ops, sched flags, and
// addresses chosen so the signed-subtraction sort quirk shows). Hand-built cases cover the rest.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { largenum, renderDaemons, renderList, renderSave, renderTimeouts, type IpvsTableEntry, type ListView } from '../../src/ipvs/render.js';
import { msort, sortDests } from '../../src/ipvs/sort.js';
import type { IpvsDest, IpvsInfo, IpvsService } from '../../src/ipvs/types.js';

const golden = new URL('../../../test/ipvs/golden/', import.meta.url);
const read = (f: string): string => readFileSync(new URL(f, golden), 'utf8');
const statKeys = new Set(['conns', 'inPkts', 'outPkts', 'inBytes', 'outBytes', 'cps', 'inPps', 'outPps', 'inBps', 'outBps']);
const table = JSON.parse(read('table.json'), (k, v) => (statKeys.has(k) ? BigInt(v) : v)) as { info: IpvsInfo; entries: IpvsTableEntry[] };

const views: { desc: string; file: string; view?: ListView; exact?: boolean; nosort?: boolean }[] = [
  { desc: '-Ln', file: 'Ln.txt' },
  { desc: '-Ln --stats', file: 'Ln-stats.txt', view: 'stats' },
  { desc: '-Ln --stats --exact', file: 'Ln-stats-exact.txt', view: 'stats', exact: true },
  { desc: '-Ln --rate', file: 'Ln-rate.txt', view: 'rate' },
  { desc: '-Ln --thresholds', file: 'Ln-thresholds.txt', view: 'thresholds' },
  { desc: '-Ln --persistent-conn', file: 'Ln-persistent-conn.txt', view: 'persistent-conn' },
  { desc: '-Ln --tun-info', file: 'Ln-tun-info.txt', view: 'tun-info' },
  { desc: '-Ln --nosort (dump order kept)', file: 'Ln-nosort.txt', nosort: true },
];
for (const v of views) {
  test(`renderList matches ipvsadm ${v.desc} byte for byte`, () => {
    assert.equal(renderList(table.info, table.entries, v), read(v.file));
  });
}
test('renderSave matches ipvsadm -Sn byte for byte', () => {
  assert.equal(renderSave(table.entries), read('Sn.txt'));
});

const svc = (over: Partial<IpvsService> & Pick<IpvsService, 'key'>): IpvsService =>
  ({ scheduler: 'wlc', flags: 0, timeout: 0, netmask: '255.255.255.255', ...over });
const dest = (address: string, port: number, over: Partial<IpvsDest> = {}): IpvsDest =>
  ({ address, port, forward: 'masq', weight: 1, upperThreshold: 0, lowerThreshold: 0, activeConns: 0, inactConns: 0, ...over });
const info: IpvsInfo = { version: '1.2.1', connTabSize: 4096 };
const head = 'IP Virtual Server version 1.2.1 (size=4096)\nProt LocalAddress:Port Scheduler Flags\n  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n';

const hand: { desc: string; entries: IpvsTableEntry[]; list: string; save: string }[] = [
  {
    desc: 'long IPv4 names are cut at 33/28 characters, IPv6 never',
    entries: [{
      service: svc({ key: { family: 4, protocol: 'sctp', address: '255.255.255.255', port: 65535 } }),
      dests: [dest('255.255.255.254', 65535, { forward: 'bypass', weight: 2147483647, activeConns: 4294967295 })],
    }, {
      service: svc({ key: { family: 6, protocol: 'tcp', address: 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe', port: 65535 }, netmask: '128' }),
      dests: [dest('ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 65535, { forward: 'local' })],
    }],
    list: `${head}SCTP 255.255.255.255:65535 wlc\n  -> 255.255.255.254:65535        (null)  2147483647 4294967295 0         \n`
      + 'TCP  [ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe]:65535 wlc\n  -> [ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]:65535 Local   1      0          0         \n',
    save: '-A --sctp-service 255.255.255.255:65535 -s wlc\n-a --sctp-service 255.255.255.255:65535 -r 255.255.255.254:65535 (null) -w 2147483647\n'
      + '-A -t [ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe]:65535 -s wlc\n-a -t [ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe]:65535 -r [ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]:65535 -g -w 1\n',
  },
  {
    desc: 'persistent IPv6 with the default prefix prints no mask; pe outside persistence only in -S',
    entries: [
      { service: svc({ key: { family: 6, fwmark: 7 }, flags: 1, timeout: 360, netmask: '128' }), dests: [] },
      { service: svc({ key: { family: 4, fwmark: 7 }, peName: 'sip', scheduler: 'sh', flags: 0x20 }), dests: [] },
    ],
    list: `${head}FWM  7 sh ()\nFWM  7 IPv6 wlc persistent 360\n`,
    save: '-A -f 7 -s sh --pe sip -b \n-A -f 7 -6 -s wlc -p 360\n',
  },
];
for (const c of hand) {
  test(`render: ${c.desc}`, () => {
    assert.equal(renderList(info, c.entries), c.list);
    assert.equal(renderSave(c.entries), c.save);
  });
}

test('largenum: print_largenum thresholds and --exact widths', () => {
  const table: [bigint, string, string][] = [
    [0n, '        0', '        0'],
    [99999999n, ' 99999999', ' 99999999'],
    [100000000n, '  100000K', ' 100000000'],
    [999999999n, '  999999K', ' 999999999'],
    [1000000000n, '    1000M', ' 1000000000'],
    [99999999999n, '   99999M', ' 99999999999'],
    [100000000000n, '     100G', ' 100000000000'],
    [100000000000000n, '     100T', ' 100000000000000'],
    [2n ** 64n - 1n, '18446744T', ' 18446744073709551615'],
  ];
  for (const [n, plain, exact] of table) {
    assert.equal(largenum(n), plain, `plain ${n}`);
    assert.equal(largenum(n, true), exact, `exact ${n}`);
  }
});

test('stats and rate views with counters', () => {
  const st = { conns: 12n, inPkts: 123456789n, outPkts: 5n, inBytes: 10n ** 12n, outBytes: 7n, cps: 1n, inPps: 22n, outPps: 333n, inBps: 4444n, outBps: 10n ** 9n };
  const entries = [{ service: svc({ key: { family: 4, protocol: 'tcp', address: '10.0.0.1', port: 80 }, stats: st }), dests: [dest('10.0.0.2', 80, { stats: st })] }];
  assert.equal(renderList(info, entries, { view: 'stats' }).split('\n').slice(3).join('\n'),
    'TCP  10.0.0.1:80                        12  123456K        5    1000G        7\n  -> 10.0.0.2:80                        12  123456K        5    1000G        7\n');
  assert.equal(renderList(info, entries, { view: 'rate' }).split('\n').slice(3).join('\n'),
    'TCP  10.0.0.1:80                         1       22      333     4444    1000M\n  -> 10.0.0.2:80                         1       22      333     4444    1000M\n');
});

test('sort quirk: signed subtraction makes 200.x sort before 10.x, and the order is not transitive', () => {
  const [a, b, c] = ['10.0.0.1', '200.0.0.1', '100.0.0.1'].map((x) => dest(x, 80)) as [IpvsDest, IpvsDest, IpvsDest];
  // 10 - 200 wraps to a positive int (so 10 > 200) while 10 < 100 < 200: a cycle, which only
  // glibc's merge order resolves the way ipvsadm prints it; the input order changes the output.
  assert.deepEqual(sortDests([b, a], 4).map((d) => d.address), ['200.0.0.1', '10.0.0.1']);
  assert.deepEqual(sortDests([a, b, c], 4).map((d) => d.address), ['10.0.0.1', '100.0.0.1', '200.0.0.1']);
  assert.deepEqual(sortDests([b, c, a], 4).map((d) => d.address), ['200.0.0.1', '10.0.0.1', '100.0.0.1']);
});

test('msort is stable and splits like glibc (n/2 left)', () => {
  const items = [3, 1, 2, 1, 3].map((v, i) => ({ v, i }));
  assert.deepEqual(msort(items, (a, b) => a.v - b.v).map((x) => x.i), [1, 3, 2, 0, 4]);
});

test('timeouts and daemons', () => {
  assert.equal(renderTimeouts({ tcp: 900, tcpFin: 120, udp: 300 }), 'Timeout (tcp tcpfin udp): 900 120 300\n');
  assert.equal(renderDaemons([
    { state: 'master', mcastIfn: 'eth0', syncId: 1 },
    { state: 'backup', mcastIfn: 'eth1', syncId: 2, syncMaxLen: 1472, mcastGroup: '224.0.0.81', mcastPort: 8848, mcastTtl: 1 },
  ]), 'master sync daemon (mcast=eth0, syncid=1)\nbackup sync daemon (mcast=eth1, syncid=2, maxlen=1472, group=224.0.0.81, port=8848, ttl=1)\n');
});
