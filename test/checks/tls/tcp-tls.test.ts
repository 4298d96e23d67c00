import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runCheck } from '../../../src/checks/run.js';
import type { CheckSpec } from '../../../src/checks/types.js';
import { freePort, makeSpec, startHungServer, startTcpServer } from '../http/imports.js';
import { serverFixture } from '../../harness/index.js';
import { refusedAndHungTests } from '../http/failures.js';
import { SITE_HOST, startSite, VHOST } from '../http/site.js';

describe('tcp-tls check (TLS handshake only) against nginx with a self-signed certificate', () => {
  const srv = serverFixture({
    site: startSite,
    hung: () => startHungServer(SITE_HOST),
    // speaks plain text where TLS is expected
    plain: () => startTcpServer(SITE_HOST, 0, (s) => s.end('220 not TLS\r\n')),
    closed: () => freePort(SITE_HOST),
  });

  const run = (over: Partial<CheckSpec>) => runCheck(
    makeSpec({ kind: 'negotiate', service: 'tcp-tls', realAddress: SITE_HOST, checkPort: srv.site.httpsPort, ...over }),
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
    const r = await run({ checkPort: srv.plain.port });
    assert.equal(r.up, false, r.message);
    assert.notEqual(r.message, '');
  });

  it('an http port (no TLS) of the same nginx is down', async () => {
    const r = await run({ checkPort: srv.site.httpPort });
    assert.equal(r.up, false, r.message);
  });

  refusedAndHungTests(run, () => ({ closed: srv.closed, hung: srv.hung.port }), {
    refused: 'refused on a closed port', hung: 'times out against a server that accepts and never answers the handshake',
  });
});
