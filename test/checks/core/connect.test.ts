import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { runCheck, GRACE_MS } from '../../../src/checks/run.js';
import { createNetns, freePort, makeSpec, startHungServer, startTcpServer, type Netns, type TestServer } from '../../harness/index.js';

const HOST = '127.0.5.10';
const netnsRunner = fileURLToPath(new URL('./netns-run.js', import.meta.url));

describe('connect check against real sockets', () => {
  let server: TestServer;
  let hung: TestServer;
  let closed: number;
  let ns: Netns;
  before(async () => {
    server = await startTcpServer(HOST, 0, (s) => s.end());
    hung = await startHungServer(HOST);
    closed = await freePort(HOST);
    ns = createNetns('conn', 5);
  });
  after(async () => {
    await server?.close();
    await hung?.close();
    ns?.remove();
  });

  it('up when the port accepts, and the connection is really made', async () => {
    const before = server.connections();
    const r = await runCheck(makeSpec({ kind: 'connect', realAddress: HOST, checkPort: server.port }), new AbortController().signal);
    assert.deepEqual([r.up, r.message], [true, '-']);
    // the accept can land just after connect() resolves on the client side
    for (let i = 0; i < 20 && server.connections() === before; i++) await new Promise((res) => setTimeout(res, 10));
    assert.equal(server.connections(), before + 1);
  });

  it('fwmark virtuals connect over TCP too', async () => {
    const r = await runCheck(makeSpec({ kind: 'connect', protocol: 'fwm', fwmark: 3, virtualAddress: undefined, realAddress: HOST, checkPort: server.port }), new AbortController().signal);
    assert.equal(r.up, true);
  });

  it('up against a server that accepts and never answers (connect only needs the handshake)', async () => {
    const r = await runCheck(makeSpec({ kind: 'connect', realAddress: HOST, checkPort: hung.port }), new AbortController().signal);
    assert.equal(r.up, true);
  });

  it('down with ECONNREFUSED on a closed port', async () => {
    const r = await runCheck(makeSpec({ kind: 'connect', realAddress: HOST, checkPort: closed }), new AbortController().signal);
    assert.deepEqual([r.up, r.message], [false, 'ECONNREFUSED']);
  });

  it('down once the server is stopped', async () => {
    const s = await startTcpServer(HOST, 0, (c) => c.end());
    const port = s.port;
    await s.close();
    const r = await runCheck(makeSpec({ kind: 'connect', realAddress: HOST, checkPort: port }), new AbortController().signal);
    assert.deepEqual([r.up, r.message], [false, 'ECONNREFUSED']);
  });

  it('times out against an address that drops SYNs (network namespace blackhole)', async () => {
    const timeoutMs = 700;
    const spec = makeSpec({ kind: 'connect', realAddress: ns.blackhole, checkPort: 80, timeoutMs });
    const out = await ns.run([process.execPath, netnsRunner, JSON.stringify(spec)]);
    assert.equal(out.code, 0, out.stderr);
    const r = JSON.parse(out.stdout) as { up: boolean; message: string; durationMs: number };
    assert.equal(r.up, false);
    assert.equal(r.message, `timeout after ${timeoutMs} ms`);
    assert.ok(r.durationMs >= timeoutMs - 5 && r.durationMs < timeoutMs + GRACE_MS + 1000, `took ${r.durationMs} ms`);
  });
});
