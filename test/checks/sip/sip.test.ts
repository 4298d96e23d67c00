import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { check } from '../../../src/checks/sip.js';
import { sipOptions } from '../../../src/checks/wire/sip-message.js';
import { freePort, startHungServer, startTcpServer, type TestServer } from '../../harness/index.js';
import { freeUdpPort, startUdpServer, type UdpServer } from '../dns/udp.js';
import { never, specFor } from '../../harness/index.js';
import { sipProblems, startSipTcp, startSipUdp, type SipResponder } from './responder.js';

const HOST = '127.0.7.2';
const TIMEOUT = 800;
const MARGIN = 1500;

test('sipOptions renders the request the responder accepts (and the responder catches mistakes)', () => {
  const req = sipOptions('alice@example.org', '10.0.0.1', 5070, '0123456789abcdef');
  assert.deepEqual(sipProblems(req, 'alice@example.org', '10.0.0.1', 5070), []);
  assert.notDeepEqual(sipProblems(req.replace('63104', '1'), 'alice@example.org', '10.0.0.1', 5070), []);
  assert.notDeepEqual(sipProblems(req, 'alice@example.org', '10.0.0.1', 5071), []);
  assert.match(sipOptions('a@b', 'fd00::1', 5060), /^Via: SIP\/2\.0\/UDP \[fd00::1\]:5060;/m);
});

describe('sip check against a SIP responder', () => {
  const servers: Record<string, SipResponder> = {};
  before(async () => {
    servers['udp200'] = await startSipUdp(HOST, 'SIP/2.0 200 OK', 'ldirectord@director.test');
    servers['tcp200'] = await startSipTcp(HOST, 'SIP/2.0 200 OK', 'ldirectord@director.test');
    servers['udp200login'] = await startSipUdp(HOST, 'SIP/2.0 200 OK', 'probe@pbx.test');
    servers['tcp200login'] = await startSipTcp(HOST, 'SIP/2.0 200 OK', 'probe@pbx.test');
    servers['udp404'] = await startSipUdp(HOST, 'SIP/2.0 404 Not Found', 'ldirectord@director.test');
    servers['tcp404'] = await startSipTcp(HOST, 'SIP/2.0 404 Not Found', 'ldirectord@director.test');
  });
  after(async () => { for (const s of Object.values(servers)) await s.close(); });

  const cases = [
    { desc: 'udp: 200 OK, default login', server: 'udp200', protocol: 'udp' as const, login: '', up: true },
    { desc: 'tcp: 200 OK, default login', server: 'tcp200', protocol: 'tcp' as const, login: '', up: true },
    { desc: 'udp: 200 OK, configured login', server: 'udp200login', protocol: 'udp' as const, login: 'probe@pbx.test', up: true },
    { desc: 'tcp: 200 OK, configured login', server: 'tcp200login', protocol: 'tcp' as const, login: 'probe@pbx.test', up: true },
    { desc: 'udp: 404 is down', server: 'udp404', protocol: 'udp' as const, login: '', up: false, message: /404 Not Found/ },
    { desc: 'tcp: 404 is down', server: 'tcp404', protocol: 'tcp' as const, login: '', up: false, message: /404 Not Found/ },
    { desc: 'udp: wrong login gets 400 from the validating responder', server: 'udp200login', protocol: 'udp' as const, login: 'other@pbx.test', up: false, message: /400/ },
  ];
  for (const c of cases) {
    test(c.desc, async () => {
      const srv = servers[c.server]!;
      const before = srv.requests.length;
      const r = await check(specFor({ service: 'sip', protocol: c.protocol, realAddress: HOST, checkPort: srv.port, login: c.login }), never(), { hostname: 'director.test' });
      assert.equal(r.up, c.up, `${r.message} ${srv.problems.join(' | ')}`);
      if (c.message) assert.match(r.message, c.message);
      assert.equal(srv.requests.length, before + 1, 'exactly one request per check');
    });
  }
  test('every well-formed request had a fresh 16-hex Call-ID', () => {
    const ids = Object.values(servers).flatMap((s) => s.requests).map((r) => /^Call-ID: (\S+)/m.exec(r)?.[1]);
    assert.equal(new Set(ids).size, ids.length);
  });
});

describe('sip check against broken servers', () => {
  let hung: TestServer | undefined;
  let silent: UdpServer | undefined;
  before(async () => {
    hung = await startHungServer(HOST);
    silent = await startUdpServer(HOST, 0, () => undefined);
  });
  after(async () => { await hung?.close(); await silent?.close(); });

  for (const c of [
    { desc: 'tcp: accepts and never answers', protocol: 'tcp' as const, port: () => hung!.port },
    { desc: 'udp: never answers', protocol: 'udp' as const, port: () => silent!.port },
  ]) {
    test(c.desc, async () => {
      const t0 = performance.now();
      const r = await check(specFor({ service: 'sip', protocol: c.protocol, realAddress: HOST, checkPort: c.port(), timeoutMs: TIMEOUT }), never(), {});
      const took = performance.now() - t0;
      assert.equal(r.up, false);
      assert.match(r.message, /timeout after 800 ms/);
      assert.ok(took >= TIMEOUT - 50 && took < TIMEOUT + MARGIN, `took ${took} ms`);
    });
  }
  test('refused over TCP and UDP (no server on the port)', async () => {
    for (const [protocol, port] of [['tcp', await freePort(HOST)], ['udp', await freeUdpPort(HOST)]] as const) {
      const r = await check(specFor({ service: 'sip', protocol, realAddress: HOST, checkPort: port, timeoutMs: TIMEOUT }), never(), {});
      assert.equal(r.up, false);
      assert.match(r.message, /ECONNREFUSED/, protocol);
    }
  });
  test('tcp: server that closes without a word', async () => {
    const srv = await startTcpServer(HOST, 0, (s) => s.end());
    try {
      const r = await check(specFor({ service: 'sip', protocol: 'tcp', realAddress: HOST, checkPort: srv.port, timeoutMs: TIMEOUT }), never(), {});
      assert.equal(r.up, false);
      assert.match(r.message, /No OK|ECONNRESET/);
    } finally { await srv.close(); }
  });
});

describe('sip check over IPv6 (::1)', () => {
  for (const protocol of ['udp', 'tcp'] as const) {
    test(`${protocol}: 200 OK, Via with a bracketed address`, async () => {
      const srv = protocol === 'udp'
        ? await startSipUdp('::1', 'SIP/2.0 200 OK', 'ldirectord@director.test')
        : await startSipTcp('::1', 'SIP/2.0 200 OK', 'ldirectord@director.test');
      try {
        const r = await check(specFor({ service: 'sip', protocol, family: 6, realAddress: '::1', checkPort: srv.port }), never(), { hostname: 'director.test' });
        assert.equal(r.up, true, `${r.message} ${srv.problems.join(' | ')}`);
        assert.match(srv.requests[0] ?? '', /^Via: SIP\/2\.0\/UDP \[::1\]:\d+;/m);
      } finally { await srv.close(); }
    });
  }
});
