import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { runCheck, GRACE_MS } from '../../../src/checks/run.js';
import { createNetns, makeSpec, type Netns } from '../../harness/index.js';

const netnsRunner = fileURLToPath(new URL('./netns-run.js', import.meta.url));
const isRoot = process.getuid?.() === 0;

describe('ping check (ICMP over raw sockets, needs root)', { skip: !isRoot && 'needs root for raw sockets' }, () => {
  let ns: Netns;
  before(() => { ns = createNetns('ping', 5); });
  after(() => ns?.remove());

  const upCases = [
    { desc: 'IPv4 loopback address in our range', realAddress: '127.0.5.20', family: 4 as const },
    { desc: 'IPv6 loopback', realAddress: '::1', family: 6 as const },
  ];
  for (const c of upCases) {
    it(`up: ${c.desc}`, async () => {
      const r = await runCheck(makeSpec({ kind: 'ping', realAddress: c.realAddress, family: c.family, timeoutMs: 1000 }), new AbortController().signal);
      assert.deepEqual([r.up, r.message], [true, '-']);
    });
  }

  it('connect on a UDP virtual pings', async () => {
    const r = await runCheck(makeSpec({ kind: 'connect', protocol: 'udp', realAddress: '127.0.5.21', checkPort: 1 }), new AbortController().signal);
    // a TCP connect to port 1 would be refused; ping answers
    assert.equal(r.up, true);
  });

  it('concurrent pings each get their own reply', async () => {
    const specs = Array.from({ length: 20 }, (_, i) => makeSpec({ kind: 'ping', realAddress: `127.0.5.${30 + i}`, timeoutMs: 2000 }));
    const rs = await Promise.all(specs.map((s) => runCheck(s, new AbortController().signal)));
    assert.deepEqual(rs.map((r) => r.up), specs.map(() => true));
  });

  it('down with no reply: each of checkCount attempts waits timeoutMs (netns blackhole)', async () => {
    const spec = makeSpec({ kind: 'ping', realAddress: ns.blackhole, timeoutMs: 300, checkCount: 2 });
    const out = await ns.run([process.execPath, netnsRunner, JSON.stringify(spec)]);
    assert.equal(out.code, 0, out.stderr);
    const r = JSON.parse(out.stdout) as { up: boolean; message: string; durationMs: number };
    assert.equal(r.up, false);
    assert.match(r.message, /^(no reply|timeout after 300 ms)$/);
    assert.ok(r.durationMs >= 550 && r.durationMs < 600 + GRACE_MS + 1000, `took ${r.durationMs} ms`);
  });

  it('IPv6 up inside a fresh namespace (::1 on its own lo)', async () => {
    const spec = makeSpec({ kind: 'ping', realAddress: '::1', family: 6, timeoutMs: 1000 });
    const out = await ns.run([process.execPath, netnsRunner, JSON.stringify(spec)]);
    assert.equal(out.code, 0, out.stderr);
    assert.equal((JSON.parse(out.stdout) as { up: boolean }).up, true);
  });

  it('without CAP_NET_RAW it says so', async () => {
    const spec = makeSpec({ kind: 'ping', realAddress: '127.0.5.22', timeoutMs: 1000 });
    // setpriv drops every capability while staying uid 0, as an unprivileged daemon would run.
    const out = await ns.run(['setpriv', '--inh-caps=-all', '--bounding-set=-all', process.execPath, netnsRunner, JSON.stringify(spec)]);
    assert.equal(out.code, 0, out.stderr);
    const r = JSON.parse(out.stdout) as { up: boolean; message: string };
    assert.deepEqual([r.up, r.message], [false, 'ping needs root/CAP_NET_RAW']);
  });
});
