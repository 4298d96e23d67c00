import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runCheck } from '../../../src/checks/run.js';
import type { CheckSpec } from '../../../src/checks/types.js';
import { freePort, makeSpec, startHungServer, startTcpServer, type TestServer } from '../http/imports.js';
import { refusedAndHungTests } from '../http/failures.js';
import { SITE_HOST, startSite, VHOST, type Site } from '../http/site.js';

describe('tcp-tls check (TLS handshake only) against nginx with a self-signed certificate', () => {
  let site: Site;
  let hung: TestServer;
  let plain: TestServer;
  let closed: number;
  before(async () => {
    site = await startSite();
    hung = await startHungServer(SITE_HOST);
    // speaks plain text where TLS is expected
    plain = await startTcpServer(SITE_HOST, 0, (s) => s.end('220 not TLS\r\n'));
    closed = await freePort(SITE_HOST);
  });
  after(async () => { await hung?.close(); await plain?.close(); await site?.stop(); });

  const run = (over: Partial<CheckSpec>) => runCheck(
    makeSpec({ kind: 'negotiate', service: 'tcp-tls', realAddress: SITE_HOST, checkPort: site.httpsPort, ...over }),
    new AbortController().signal);

  it('is up once the handshake completes, and names the protocol and cipher', async () => {
    const r = await run({});
    assert.equal(r.up, true, r.message);
    assert.match(r.message, /^TLSv1\.[23] \S+$/);
  });

  it('tlsVerify rejects the self-signed certificate', async () => {
    const r = await run({ tlsVerify: true, virtualHost: VHOST });
    assert.equal(r.up, false);
    assert.match(r.message, /SELF_SIGNED|CERT/);
  });

  it('a plain-text server where TLS is expected is down', async () => {
    const r = await run({ checkPort: plain.port });
    assert.equal(r.up, false, r.message);
    assert.notEqual(r.message, '');
  });

  it('an http port (no TLS) of the same nginx is down', async () => {
    const r = await run({ checkPort: site.httpPort });
    assert.equal(r.up, false, r.message);
  });

  refusedAndHungTests(run, () => ({ closed, hung: hung.port }), {
    refused: 'refused on a closed port', hung: 'times out against a server that accepts and never answers the handshake',
  });
});
