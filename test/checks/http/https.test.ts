import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { serverFixture } from '../../harness/index.js';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { runCheck } from '../../../src/checks/run.js';
import type { CheckSpec } from '../../../src/checks/types.js';
import { assertDownAfterStop, freePort, makeDir, makeSpec, startHungServer, startNginx, startTcpServer } from './imports.js';
import { selfSignedCert } from '../../harness/index.js';
import { refusedAndHungTests } from './failures.js';
import { SITE_HOST, startSite, VHOST } from './site.js';

const runner = fileURLToPath(new URL('../core/netns-run.js', import.meta.url));

describe('https check against nginx with a self-signed certificate', () => {
  const srv = serverFixture({
    site: startSite,
    hung: () => startHungServer(SITE_HOST),
    // speaks plain text where TLS is expected
    plain: () => startTcpServer(SITE_HOST, 0, (s) => s.end('HTTP/1.0 200 OK\r\n\r\nTest Page\n')),
    closed: () => freePort(SITE_HOST),
  });

  const https = (over: Partial<CheckSpec>): CheckSpec =>
    makeSpec({ kind: 'negotiate', service: 'https', realAddress: SITE_HOST, checkPort: srv.site.httpsPort, request: '/.testpage', receive: 'Test Page', ...over });
  const run = (over: Partial<CheckSpec>) => runCheck(https(over), new AbortController().signal);

  const cases: Array<{ desc: string; over: Partial<CheckSpec>; up: boolean; message: string | RegExp }> = [
    { desc: 'self-signed certificate is accepted by default (no verification, as the original)', over: {}, up: true, message: '200 OK' },
    { desc: 'wrong body is down', over: { request: '/wrong' }, up: false, message: 'Wrong content' },
    { desc: '500 with matching body is down', over: { request: '/500' }, up: false, message: '500 Internal Server Error' },
    { desc: 'redirect followed over https', over: { request: '/redirect' }, up: true, message: '200 OK' },
    { desc: 'HEAD with empty receive', over: { httpMethod: 'HEAD', receive: '' }, up: true, message: '200 OK' },
    { desc: 'virtualhost selects the server block over TLS', over: { request: '/vhost.html', receive: 'VHost Page', virtualHost: VHOST }, up: true, message: '200 OK' },
    { desc: 'tlsVerify rejects the self-signed certificate', over: { tlsVerify: true }, up: false, message: /SELF_SIGNED|CERT|certificate/i },
    { desc: 'tlsVerify with virtualhost still rejects an untrusted issuer', over: { tlsVerify: true, virtualHost: VHOST, request: '/vhost.html', receive: 'VHost' }, up: false, message: /SELF_SIGNED|CERT|certificate/i },
  ];
  for (const c of cases) {
    it(c.desc, async () => {
      const r = await run(c.over);
      assert.equal(r.up, c.up, `message: ${r.message}`);
      if (typeof c.message === 'string') assert.equal(r.message, c.message); else assert.match(r.message, c.message);
    });
  }

  // Trusting the test CA needs NODE_EXTRA_CA_CERTS, read at process start: run in a child.
  const verifyCases = [
    { desc: 'tlsVerify + trusted CA + virtualhost in the certificate is up (SNI = virtualhost)', over: { virtualHost: VHOST, request: '/vhost.html', receive: 'VHost Page' }, up: true, message: /^200 OK$/ },
    { desc: 'tlsVerify + trusted CA, no virtualhost: the real IP is checked against the IP SAN', over: {}, up: true, message: /^200 OK$/ },
    { desc: 'tlsVerify + trusted CA + a virtualhost not in the certificate is down', over: { virtualHost: 'other.test' }, up: false, message: /ALTNAME|altname|Hostname/ },
  ];
  for (const c of verifyCases) {
    it(c.desc, async () => {
      const spec = https({ tlsVerify: true, ...c.over });
      const out = await new Promise<string>((resolve, reject) => {
        execFile(process.execPath, [runner, JSON.stringify(spec)], { env: { ...process.env, NODE_EXTRA_CA_CERTS: srv.site.dir.join('server.crt') }, timeout: 20_000 },
          (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout)));
      });
      const r = JSON.parse(out) as { up: boolean; message: string };
      assert.equal(r.up, c.up, r.message);
      assert.match(r.message, c.message);
    });
  }

  refusedAndHungTests(run, () => ({ closed: srv.closed, hung: srv.hung.port }), {
    refused: 'refused on a closed port', hung: 'times out against a server that accepts and never answers (TLS handshake hangs)',
  });

  it('down (refused) after its nginx is stopped', async () => {
    const dir = makeDir('https-stop');
    const port = await freePort(SITE_HOST);
    const cert = selfSignedCert(dir.path, VHOST);
    await assertDownAfterStop({
      start: () => startNginx(dir, { ready: { host: SITE_HOST, port }, http: `server { listen ${SITE_HOST}:${port} ssl; ssl_certificate ${cert.cert}; ssl_certificate_key ${cert.key}; location / { return 200 "Test Page"; } }` }),
      stop: (ng) => ng.stop(),
      cleanup: async (ng) => { await ng?.stop(); dir.remove(); },
      probes: () => [() => run({ checkPort: port })],
      refused: 'ECONNREFUSED',
    });
  });

  it('plain text where TLS is expected is down', async () => {
    const r = await run({ checkPort: srv.plain.port });
    assert.equal(r.up, false);
    assert.notEqual(r.message, '200 OK');
  });

  it('plain http against the TLS port is down', async () => {
    const r = await runCheck({ ...https({}), service: 'http' }, new AbortController().signal);
    assert.deepEqual([r.up, r.message], [false, '400 Bad Request']);
  });
});
