/**
 * nntp against a small in-process NNTP responder (inn2 needs a whole news spool to start; the
 * check only reads the greeting, RFC 3977 5.1): 200/201 up, 400/502 down, no greeting, refused,
 * silent, and a flood that must not be read past 64 bytes.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SERVICE_CHECKS } from '../../../src/checks/registry.js';
import { freePort } from '../../harness/ports.js';
import { startHungServer, startTcpServer, type TestServer } from '../../harness/tcp.js';
import { CTX, assertTimedOut, serverFixture, serviceSpec, never, timed } from '../../harness/index.js';

const nntp = SERVICE_CHECKS.nntp;

const HOST = '127.0.6.17';

/** startNntp greets every connection with `greeting`, then answers QUIT with 205 and closes. */
function startNntp(greeting: string): Promise<TestServer> {
  return startTcpServer(HOST, 0, (s) => {
    s.write(greeting);
    s.on('data', (d) => { if (/^QUIT/im.test(d.toString())) s.end('205 closing connection\r\n'); });
  });
}

describe('nntp', () => {
  const srv = serverFixture({ hung: () => startHungServer(HOST) });

  const cases = [
    { desc: '200 posting allowed is up', greeting: '200 news.test.invalid InterNetNews server ready\r\n', up: true, msg: '200 news.test.invalid InterNetNews server ready' },
    { desc: '201 posting prohibited is up', greeting: '201 news.test.invalid ready (no posting)\r\n', up: true, msg: /^201 / },
    { desc: '400 service not available is down', greeting: '400 service temporarily unavailable\r\n', up: false, msg: 'greeting: 400 service temporarily unavailable' },
    { desc: '502 permanently unavailable is down', greeting: '502 you have no permission to talk\r\n', up: false, msg: /^greeting: 502/ },
    { desc: 'any 2xx greeting is up, as /^2/ in the original (even SMTP\'s 220)', greeting: '220 mail ESMTP\r\n', up: true, msg: '220 mail ESMTP' },
    { desc: 'an HTTP answer is down', greeting: 'HTTP/1.1 400 Bad Request\r\n\r\n', up: false, msg: 'greeting: HTTP/1.1 400 Bad Request' },
    { desc: 'close without a greeting is down', greeting: '', up: false, msg: 'connection closed by server' },
  ];
  for (const c of cases) {
    it(c.desc, async () => {
      const srv = c.greeting === ''
        ? await startTcpServer(HOST, 0, (s) => { s.end(); })
        : await startNntp(c.greeting);
      try {
        const r = await nntp(serviceSpec('nntp', HOST, srv.port), never(), CTX);
        assert.equal(r.up, c.up, r.message);
        if (typeof c.msg === 'string') assert.equal(r.message, c.msg);
        else assert.match(r.message, c.msg);
      } finally {
        await srv.close();
      }
    });
  }

  it('reads at most 64 bytes of a greeting that never ends', async () => {
    const chunk = `2${'0'.repeat(16383)}`;
    let sent = 0;
    const srv = await startTcpServer(HOST, 0, (s) => {
      const pump = (): void => { while (sent < 8 << 20 && s.write(chunk)) sent += chunk.length; };
      s.on('drain', pump);
      pump();
    });
    try {
      const r = await nntp(serviceSpec('nntp', HOST, srv.port), never(), CTX);
      assert.equal(r.up, true, r.message);
      assert.ok(r.message.length <= 64 + 3, r.message);
      assert.ok(sent < 8 << 20, 'the check kept the connection open until the flood ended');
    } finally {
      await srv.close();
    }
  });

  it('refused is down', async () => {
    const port = await freePort(HOST);
    const r = await nntp(serviceSpec('nntp', HOST, port), never(), CTX);
    assert.equal(r.up, false);
    assert.match(r.message, /ECONNREFUSED/);
  });

  it('a silent server is down within the timeout', async () => {
    const { value: r, ms } = await timed(() => nntp(serviceSpec('nntp', srv.hung.host, srv.hung.port, { timeoutMs: 600 }), never(), CTX));
    assertTimedOut(r, 600, ms);
  });
});
