import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runCheck } from '../../../src/checks/run.js';
import type { CheckSpec } from '../../../src/checks/types.js';
import { assertDownAfterStop, freePort, makeDir, makeSpec, startHungServer, startTinyproxy, type TestServer } from './imports.js';
import type { ServerProcess } from '../../harness/index.js';
import { refusedAndHungTests } from './failures.js';
import { SITE_HOST, startSite, type Site } from './site.js';

const PROXY_HOST = '127.0.5.41';

describe('http_proxy check through tinyproxy to nginx', () => {
  let site: Site;
  let proxy: ServerProcess;
  let proxyPort: number;
  let hung: TestServer;
  let closed: number;
  const dir = makeDir('proxy');
  before(async () => {
    site = await startSite();
    proxyPort = await freePort(PROXY_HOST);
    proxy = await startTinyproxy(dir, PROXY_HOST, proxyPort);
    hung = await startHungServer(PROXY_HOST);
    closed = await freePort(PROXY_HOST);
  });
  after(async () => { await proxy?.stop(); await hung?.close(); await site?.stop(); dir.remove(); });

  const target = (path: string): string => `http://${SITE_HOST}:${site.httpPort}${path}`;
  const spec = (over: Partial<CheckSpec>): CheckSpec =>
    makeSpec({ kind: 'negotiate', service: 'http_proxy', realAddress: PROXY_HOST, checkPort: proxyPort, request: target('/.testpage'), receive: 'Test Page', ...over });
  const run = (over: Partial<CheckSpec>) => runCheck(spec(over), new AbortController().signal);

  const cases: Array<{ desc: string; over: () => Partial<CheckSpec>; up: boolean; message: string | RegExp }> = [
    { desc: 'page fetched through the proxy is up', over: () => ({}), up: true, message: '200 OK' },
    { desc: 'wrong body through the proxy is down', over: () => ({ request: target('/wrong') }), up: false, message: 'Wrong content' },
    { desc: '500 through the proxy is down', over: () => ({ request: target('/500') }), up: false, message: '500 Internal Server Error' },
    { desc: 'redirect followed through the proxy', over: () => ({ request: target('/redirect') }), up: true, message: '200 OK' },
    { desc: 'Host comes from the request URL', over: () => ({ request: target('/host'), receive: `host=\\[${SITE_HOST}:${site.httpPort}\\]` }), up: true, message: '200 OK' },
    { desc: 'proxy cannot reach the origin: its error status is down', over: () => ({ request: `http://${SITE_HOST}:${closed}/` }), up: false, message: /^5\d\d / },
  ];
  for (const c of cases) {
    it(c.desc, async () => {
      const r = await run(c.over());
      assert.equal(r.up, c.up, `message: ${r.message}`);
      if (typeof c.message === 'string') assert.equal(r.message, c.message); else assert.match(r.message, c.message);
    });
  }

  it('the request really went through the proxy (its log shows it)', async () => {
    const r = await run({ request: target('/.testpage?via-proxy') });
    assert.equal(r.up, true);
    const { readFileSync } = await import('node:fs');
    assert.match(readFileSync(dir.join('tinyproxy.log'), 'utf8'), /via-proxy/);
  });

  refusedAndHungTests(run, () => ({ closed, hung: hung.port }), {
    refused: 'refused when nothing listens on the proxy port', hung: 'times out against a proxy that accepts and never answers',
  });

  it('down after the proxy is stopped', async () => {
    const d = makeDir('proxy2');
    const port = await freePort(PROXY_HOST);
    await assertDownAfterStop({
      start: () => startTinyproxy(d, PROXY_HOST, port),
      stop: (p) => p.stop(),
      cleanup: async (p) => { await p?.stop(); d.remove(); },
      probes: () => [() => run({ checkPort: port })],
      refused: 'ECONNREFUSED',
    });
  });
});
