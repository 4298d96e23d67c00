import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { serverFixture } from '../../harness/index.js';
import { runCheck } from '../../../src/checks/run.js';
import { checkUrl } from '../../../src/checks/lib/http-get.js';
import type { CheckSpec } from '../../../src/checks/types.js';
import { assertDownAfterStop, freePort, makeDir, makeSpec, startHungServer, startNginx } from './imports.js';
import { refusedAndHungTests } from './failures.js';
import { HUGE_BYTES, SITE_HOST, startSite, VHOST } from './site.js';

describe('http check URL', () => {
  const cases = [
    { desc: 'relative request on the real and checkport', spec: makeSpec({ realAddress: '127.0.5.1', checkPort: 8080, request: '/a?b' }), want: 'http://127.0.5.1:8080/a?b' },
    { desc: 'IPv6 real is bracketed', spec: makeSpec({ realAddress: '::1', family: 6, checkPort: 80, request: '/x' }), want: 'http://[::1]:80/x' },
    { desc: 'absolute request is used verbatim', spec: makeSpec({ realAddress: '127.0.5.1', checkPort: 80, request: 'http://example.test:81/y' }), want: 'http://example.test:81/y' },
  ];
  for (const c of cases) it(c.desc, () => assert.equal(checkUrl(c.spec, 'http'), c.want));
});

describe('http check against nginx', () => {
  const srv = serverFixture({ site: startSite, hung: () => startHungServer(SITE_HOST), closed: () => freePort(SITE_HOST) });

  const http = (over: Partial<CheckSpec>): CheckSpec =>
    makeSpec({ kind: 'negotiate', service: 'http', realAddress: SITE_HOST, checkPort: srv.site.httpPort, request: '/.testpage', receive: 'Test Page', ...over });
  const run = (over: Partial<CheckSpec>) => runCheck(http(over), new AbortController().signal);

  const cases: Array<{ desc: string; over: Partial<CheckSpec>; up: boolean; message: string | RegExp }> = [
    { desc: 'testpage with matching receive is up', over: {}, up: true, message: '200 OK' },
    { desc: 'empty receive: any 2xx is up', over: { request: '/wrong', receive: '' }, up: true, message: '200 OK' },
    { desc: 'receive is a regex', over: { receive: '^Test\\s+P[a-z]+e$' }, up: true, message: '200 OK' },
    { desc: 'a non-matching regex is down, message is the body', over: { receive: '^Test\\s+P[0-9]+$' }, up: false, message: 'Test Page' },
    { desc: 'receive regex, multiline-free match', over: { receive: 'T.st P' }, up: true, message: '200 OK' },
    { desc: '2xx with a wrong body is down, message is the body', over: { request: '/wrong' }, up: false, message: 'Wrong content' },
    { desc: 'redirect is followed to the test page', over: { request: '/redirect' }, up: true, message: '200 OK' },
    { desc: 'redirect chain is followed', over: { request: '/redirect-chain' }, up: true, message: '200 OK' },
    { desc: 'a redirect loop is down with the last 3xx (LWP stops after 7)', over: { request: '/loop' }, up: false, message: '302 Moved Temporarily' },
    { desc: '7 redirects are followed', over: { request: '/c/' }, up: true, message: '200 OK' },
    { desc: 'the 8th redirect is not followed: down with the 3xx status', over: { request: '/d/' }, up: false, message: '302 Moved Temporarily' },
    { desc: '$ matches before a final newline, as in Perl', over: { receive: '^Test Page$' }, up: true, message: '200 OK' },
    { desc: '500 whose body matches is down', over: { request: '/500' }, up: false, message: '500 Internal Server Error' },
    { desc: '404 whose body matches is down', over: { request: '/404' }, up: false, message: '404 Not Found' },
    { desc: 'match only in a header is down (headers not searched)', over: { request: '/header' }, up: false, message: 'nothing here' },
    { desc: 'HEAD with empty receive is up', over: { httpMethod: 'HEAD', receive: '' }, up: true, message: '200 OK' },
    { desc: 'HEAD has no body: a receive string cannot match', over: { httpMethod: 'HEAD' }, up: false, message: '(empty body)' },
    { desc: 'match beyond maxBytes is down and says truncated', over: { request: '/huge', maxBytes: 1 << 20, timeoutMs: 10_000 }, up: false, message: /^no match in first 1048576 bytes \(body truncated\)/ },
    // maxBytes counts every byte read: the status line and headers too.
    { desc: 'match within maxBytes in a huge body is up', over: { request: '/huge', maxBytes: HUGE_BYTES + 4096, timeoutMs: 20_000 }, up: true, message: '200 OK' },
    { desc: 'virtualhost picks the server block', over: { request: '/vhost.html', receive: 'VHost Page', virtualHost: VHOST }, up: true, message: '200 OK' },
    { desc: 'without virtualhost the default block answers', over: { request: '/vhost.html', receive: 'VHost Page' }, up: false, message: '404 Not Found' },
    { desc: 'Host header is the real IP without port', over: { request: '/host', receive: `^host=\\[${SITE_HOST.replace(/\./g, '\\.')}\\]$` }, up: true, message: '200 OK' },
    { desc: 'Host header is the virtualhost when set', over: { request: '/host', receive: `host=\\[${VHOST}\\]`, virtualHost: VHOST }, up: false, message: '404 Not Found' },
    { desc: 'invalid receive regex is down with a reason', over: { receive: '(unbalanced' }, up: false, message: /^invalid receive regex/ },
  ];
  for (const c of cases) {
    it(c.desc, async () => {
      const r = await run(c.over);
      assert.equal(r.up, c.up, `message: ${r.message}`);
      if (typeof c.message === 'string') assert.equal(r.message, c.message); else assert.match(r.message, c.message);
    });
  }

  it('IPv6 real over [::1]', async () => {
    const r = await run({ realAddress: '::1', family: 6, checkPort: srv.site.v6Port });
    assert.deepEqual([r.up, r.message], [true, '200 OK']);
  });

  it('absolute request URL is fetched verbatim, Host stays the real IP', async () => {
    const r = await run({ checkPort: srv.closed, request: `http://${SITE_HOST}:${srv.site.httpPort}/host`, receive: `host=\\[${SITE_HOST.replace(/\./g, '\\.')}\\]` });
    assert.deepEqual([r.up, r.message], [true, '200 OK']);
  });

  it('a new connection per check (Connection: close sent)', async () => {
    const r = await run({ request: '/ua', receive: 'conn=\\[close\\]' });
    assert.equal(r.up, true, r.message);
  });

  refusedAndHungTests(run, () => ({ closed: srv.closed, hung: srv.hung.port }), {
    refused: 'refused on a closed port', hung: 'times out against a server that accepts and never answers',
  });

  it('down (refused) after its nginx is stopped', async () => {
    const dir = makeDir('http-stop');
    const port = await freePort(SITE_HOST);
    await assertDownAfterStop({
      start: () => startNginx(dir, { ready: { host: SITE_HOST, port }, http: `server { listen ${SITE_HOST}:${port}; location / { return 200 "Test Page"; } }` }),
      stop: (ng) => ng.stop(),
      cleanup: async (ng) => { await ng?.stop(); dir.remove(); },
      probes: () => [() => run({ checkPort: port })],
      refused: 'ECONNREFUSED',
    });
  });
});
