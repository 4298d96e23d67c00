import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as dnsPacket from 'dns-packet';
import { check } from '../../../src/checks/dns.js';
import { makeTempDir, startHungServer, startProcess, type ServerProcess, type TestServer } from '../../harness/index.js';
import { freeDualPort, startUdpServer, type UdpServer } from './udp.js';
import { never, specFor } from '../../harness/index.js';

const HOST = '127.0.7.1';
const TIMEOUT = 800;
// Generous: these machines are noisy; the point is "returns near its deadline, never hangs".
const MARGIN = 1500;

describe('dns check against dnsmasq', () => {
  let dnsmasq: ServerProcess | undefined;
  let port = 0;
  const tmp = makeTempDir('dns');
  before(async () => {
    port = await freeDualPort(HOST);
    dnsmasq = await startProcess('dnsmasq', [
      '--no-daemon', '--conf-file=/dev/null', '--pid-file=', '--log-facility=-', `--port=${port}`,
      `--listen-address=${HOST}`, '--bind-interfaces', '--no-resolv', '--no-hosts',
      '--address=/wild.test.example/127.0.7.99',
      '--host-record=web.test.example,127.0.7.50,fd00:7::50',
      '--host-record=v6only.test.example,fd00:7::60',
      '--ptr-record=50.7.0.127.in-addr.arpa,web.test.example',
      `--ptr-record=${'0.6.0.0.'}${'0.'.repeat(20)}7.0.0.0.0.0.d.f.ip6.arpa,v6only.test.example`,
    ], { ready: { host: HOST, port } });
  });
  after(async () => { await dnsmasq?.stop(); tmp.remove(); });

  const cases = [
    { desc: 'A record matches', request: '/web.test.example', receive: '^127\\.0\\.7\\.50$', up: true },
    { desc: 'A from a wildcard --address', request: '/x.wild.test.example', receive: '127.0.7.99', up: true },
    { desc: 'AAAA record matches (extension)', request: '/v6only.test.example', receive: '^fd00:7::60$', up: true },
    { desc: 'PTR of an IPv4 address', request: '/127.0.7.50', receive: '^web\\.test', up: true },
    { desc: 'PTR of an IPv6 address', request: '/fd00:7::60', receive: 'v6only', up: true },
    { desc: 'request without leading slash', request: 'web.test.example', receive: '127', up: true },
    { desc: 'wrong receive', request: '/web.test.example', receive: '^10\\.', up: false, message: /Response mismatch/ },
    { desc: 'empty receive is always down', request: '/web.test.example', receive: '', up: false, message: /empty receive/ },
    { desc: 'unknown name (dnsmasq refuses)', request: '/nope.invalid', receive: '.', up: false, message: /REFUSED/ },
    { desc: 'invalid receive regex', request: '/web.test.example', receive: '(', up: false, message: /invalid receive/ },
  ];
  for (const protocol of ['udp', 'tcp'] as const) {
    for (const c of cases) {
      test(`${protocol}: ${c.desc}`, async () => {
        const r = await check(specFor({
          service: 'dns', protocol, realAddress: HOST, checkPort: port, request: c.request, receive: c.receive, timeoutMs: 3000,
        }), never(), {});
        assert.equal(r.up, c.up, r.message);
        if (c.message) assert.match(r.message, c.message);
      });
    }
  }

  test('server stopped: refused, over UDP (ICMP) and TCP', async () => {
    await dnsmasq?.stop();
    for (const protocol of ['udp', 'tcp'] as const) {
      const r = await check(specFor({ service: 'dns', protocol, realAddress: HOST, checkPort: port, request: '/web.test.example', receive: '.', timeoutMs: TIMEOUT }), never(), {});
      assert.equal(r.up, false);
      assert.match(r.message, /ECONNREFUSED/);
    }
  });
});

describe('dns check against broken servers', () => {
  let hung: TestServer | undefined;
  let silent: UdpServer | undefined;
  let liar: UdpServer | undefined;
  before(async () => {
    hung = await startHungServer(HOST);
    silent = await startUdpServer(HOST, 0, () => undefined);
    // Answers with the right question but a wrong id, then garbage: neither may count.
    liar = await startUdpServer(HOST, 0, (msg) => {
      const q = dnsPacket.decode(msg);
      return dnsPacket.encode({
        type: 'response', id: ((q.id ?? 0) + 1) & 0xffff, questions: q.questions,
        answers: [{ type: 'A', name: q.questions![0]!.name, data: '127.0.7.50' }],
      });
    });
  });
  after(async () => { await hung?.close(); await silent?.close(); await liar?.close(); });

  const cases = [
    { desc: 'TCP server that accepts and never answers', protocol: 'tcp' as const, port: () => hung!.port },
    { desc: 'UDP server that never answers', protocol: 'udp' as const, port: () => silent!.port },
    { desc: 'UDP answer with a wrong id is ignored', protocol: 'udp' as const, port: () => liar!.port },
  ];
  for (const c of cases) {
    test(c.desc, async () => {
      const t0 = performance.now();
      const r = await check(specFor({ service: 'dns', protocol: c.protocol, realAddress: HOST, checkPort: c.port(), request: '/web.test.example', receive: '.', timeoutMs: TIMEOUT }), never(), {});
      const took = performance.now() - t0;
      assert.equal(r.up, false);
      assert.match(r.message, /timeout after 800 ms/);
      assert.ok(took >= TIMEOUT - 50 && took < TIMEOUT + MARGIN, `took ${took} ms`);
    });
  }

  test('caller abort ends the check at once', async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(new Error('shutdown')), 100);
    const r = await check(specFor({ service: 'dns', protocol: 'udp', realAddress: HOST, checkPort: silent!.port, request: '/a.test', receive: '.', timeoutMs: 10_000 }), ac.signal, {});
    assert.equal(r.up, false);
    assert.match(r.message, /aborted/);
    assert.ok(r.durationMs < 5000);
  });
});

describe('dns check over IPv6 (::1)', () => {
  test('udp6: AAAA answer from an in-process responder', async () => {
    const srv = await startUdpServer('::1', 0, (msg) => {
      const q = dnsPacket.decode(msg);
      const question = q.questions![0]!;
      const answers = question.type === 'AAAA' ? [{ type: 'AAAA' as const, name: question.name, data: 'fd00:7::1' }] : [];
      return dnsPacket.encode({ type: 'response', id: q.id, flags: dnsPacket.AUTHORITATIVE_ANSWER, questions: q.questions, answers });
    });
    try {
      const r = await check(specFor({ service: 'dns', protocol: 'udp', family: 6, realAddress: '::1', checkPort: srv.port, request: '/six.test', receive: '^fd00:7::1$' }), never(), {});
      assert.equal(r.up, true, r.message);
      assert.equal(srv.received.length, 2, 'one A and one AAAA query');
    } finally { await srv.close(); }
  });
});
