/**
 * Which redirects the http check follows (src/checks/lib/http-get.ts, redirectTarget): http and
 * https only, and a URL with credentials never to another host. A refused redirect is down with
 * its reason, and the refused target is never connected to. Two scripted servers on loopback: A
 * answers each path with the redirect under test, B is the redirect target and counts connections.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { runCheck } from '../../../src/checks/run.js';
import { makeSpec, startTcpServer, type TestServer } from './imports.js';

const A_HOST = '127.0.9.4';
const B_HOST = '127.0.9.5';

/** serve answers each request's path from `routes` (a Location, or a 200 body with "ok:"). */
function serve(routes: (path: string) => string, requests: string[]): (s: Socket) => void {
  return (s) => {
    let req = '';
    s.on('data', (d: Buffer) => {
      req += d.toString('latin1');
      if (!req.includes('\r\n\r\n')) return;
      requests.push(req);
      const path = req.split(' ')[1] ?? '/';
      const to = routes(path);
      if (to.startsWith('ok:')) s.end(`HTTP/1.1 200 OK\r\nContent-Length: ${to.length - 3}\r\n\r\n${to.slice(3)}`);
      else s.end(`HTTP/1.1 302 Found\r\nLocation: ${to}\r\nContent-Length: 0\r\n\r\n`);
    });
  };
}

describe('http redirects: which are followed', () => {
  let a: TestServer;
  let b: TestServer;
  const aRequests: string[] = [];
  const bRequests: string[] = [];
  const bUrl = (): string => `http://${B_HOST}:${b.port}`;
  before(async () => {
    b = await startTcpServer(B_HOST, 0, serve(() => 'ok:Test Page', bRequests));
    a = await startTcpServer(A_HOST, 0, serve((path) => {
      switch (path) {
        case '/file': return 'file:///etc/passwd';
        case '/gopher': return `gopher://${B_HOST}:${b.port}/x`;
        case '/ftp': return `ftp://${B_HOST}:${b.port}/x`;
        case '/creds-other-host': return `http://user:pw@${B_HOST}:${b.port}/`;
        case '/other-host': return `${bUrl()}/`;
        case '/same-host': return '/page';
        case '/invalid': return 'http://[bad/';
        case '/page': return 'ok:Test Page';
        default: return 'ok:unexpected';
      }
    }, aRequests));
  });
  after(async () => { await a?.close(); await b?.close(); });

  const check = (request: string) => runCheck(
    makeSpec({ service: 'http', realAddress: A_HOST, checkPort: a.port, request, receive: 'Test Page', timeoutMs: 5000 }),
    new AbortController().signal,
  );

  for (const { desc, request, message } of [
    { desc: 'file: is refused (it used to become GET / on localhost:80)', request: '/file', message: 'redirect to file: refused: only http and https are followed' },
    { desc: 'gopher: is refused (it used to get an HTTP GET and count as up)', request: '/gopher', message: 'redirect to gopher: refused: only http and https are followed' },
    { desc: 'ftp: is refused', request: '/ftp', message: 'redirect to ftp: refused: only http and https are followed' },
    { desc: 'a Location with credentials to another host is refused', request: '/creds-other-host', message: /^redirect to 127\.0\.9\.5:\d+ refused: a URL with credentials is not followed to another host$/ },
    { desc: 'an unparsable Location is refused', request: '/invalid', message: 'redirect to an invalid URL refused: http://[bad/' },
  ]) {
    it(`${desc}: down, and the target is never contacted`, async () => {
      const before = b.connections();
      const r = await check(request);
      assert.equal(r.up, false);
      if (typeof message === 'string') assert.equal(r.message, message); else assert.match(r.message, message);
      assert.equal(b.connections(), before);
    });
  }

  it('a check URL with credentials is not followed to another host', async () => {
    const before = b.connections();
    const r = await check(`http://user:pw@${A_HOST}:${a.port}/other-host`);
    assert.deepEqual([r.up, r.message], [false, `redirect to ${B_HOST}:${b.port} refused: a URL with credentials is not followed to another host`]);
    assert.equal(b.connections(), before);
  });

  it('a check URL with credentials is followed on the same host; no credentials are sent', async () => {
    const r = await check(`http://user:pw@${A_HOST}:${a.port}/same-host`);
    assert.deepEqual([r.up, r.message], [true, '200 OK']);
    for (const req of aRequests.slice(-2)) assert.doesNotMatch(req, /authorization/i);
  });

  it('a plain http redirect to another host is followed', async () => {
    const before = b.connections();
    const r = await check('/other-host');
    assert.deepEqual([r.up, r.message], [true, '200 OK']);
    assert.equal(b.connections(), before + 1);
  });
});
