import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runCheck, GRACE_MS } from '../../../src/checks/run.js';
import { simpletcpPayload } from '../../../src/checks/simpletcp.js';
import { freePort, makeSpec, startHungServer, startReplyServer, startTcpServer, type TestServer } from '../../harness/index.js';

const HOST = '127.0.5.11';

describe('simpletcp payload', () => {
  const cases = [
    { desc: 'drops the leading slash, nothing appended', request: '/PING', want: 'PING' },
    { desc: 'literal \\n becomes LF, no CR', request: '/HELO x\\nQUIT\\n', want: 'HELO x\nQUIT\n' },
    { desc: 'empty request sends nothing', request: '/', want: '' },
  ];
  for (const c of cases) it(c.desc, () => assert.equal(simpletcpPayload(c.request), c.want));
});

describe('simpletcp check against real sockets', () => {
  let echo: TestServer;
  let hung: TestServer;
  let flood: TestServer;
  let closed: number;
  let received: string[] = [];
  before(async () => {
    // Answers only after the client has shut down its write side, as the original expects.
    echo = await startReplyServer(HOST, 0, (req) => { received.push(req); return `hello\r\nyou said ${req.trim()}\nOK ready\n`; });
    hung = await startHungServer(HOST);
    flood = await startTcpServer(HOST, 0, (s) => { const line = Buffer.alloc(1000, 'x'); const pump = (): void => { while (s.write(line)) { /* fill */ } }; s.on('drain', pump); pump(); });
    closed = await freePort(HOST);
  });
  after(async () => { await echo?.close(); await hung?.close(); await flood?.close(); });

  const base = { kind: 'negotiate' as const, service: 'simpletcp' as const, realAddress: HOST };

  it('up when a line matches, and the server got the exact payload', async () => {
    received = [];
    const r = await runCheck(makeSpec({ ...base, checkPort: echo.port, request: '/STATUS\\nX', receive: '^OK ready$' }), new AbortController().signal);
    assert.equal(r.up, true, r.message);
    assert.deepEqual(received, ['STATUS\nX']);
  });

  it('matches per line (CRLF tolerated) using the echoed request', async () => {
    const r = await runCheck(makeSpec({ ...base, checkPort: echo.port, request: '/abc', receive: '^you said abc$' }), new AbortController().signal);
    assert.equal(r.up, true, r.message);
  });

  it('down on a wrong answer', async () => {
    const r = await runCheck(makeSpec({ ...base, checkPort: echo.port, request: '/x', receive: 'NOPE' }), new AbortController().signal);
    assert.equal(r.up, false);
    assert.match(r.message, /^no match/);
  });

  it('down with ECONNREFUSED when nothing listens', async () => {
    const r = await runCheck(makeSpec({ ...base, checkPort: closed }), new AbortController().signal);
    assert.deepEqual([r.up, r.message], [false, 'ECONNREFUSED']);
  });

  it('down (refused) once its server is stopped', async () => {
    const s = await startReplyServer(HOST, 0, () => 'OK\n');
    const spec = makeSpec({ ...base, checkPort: s.port, receive: '^OK$' });
    try {
      assert.equal((await runCheck(spec, new AbortController().signal)).up, true);
    } finally {
      await s.close();
    }
    const r = await runCheck(spec, new AbortController().signal);
    assert.deepEqual([r.up, r.message], [false, 'ECONNREFUSED']);
  });

  it('times out against a server that never answers', async () => {
    const t0 = performance.now();
    const r = await runCheck(makeSpec({ ...base, checkPort: hung.port, receive: 'x', timeoutMs: 400 }), new AbortController().signal);
    const took = performance.now() - t0;
    assert.deepEqual([r.up, r.message], [false, 'timeout after 400 ms']);
    assert.ok(took < 400 + GRACE_MS + 1000, `took ${took}`);
  });

  it('stops reading at maxBytes against an endless stream', async () => {
    const r = await runCheck(makeSpec({ ...base, checkPort: flood.port, receive: 'never', maxBytes: 64 * 1024, timeoutMs: 5000 }), new AbortController().signal);
    assert.deepEqual([r.up, r.message], [false, 'no match in first 65536 bytes']);
  });

  it('an invalid receive regex is down with a reason, not a crash', async () => {
    const r = await runCheck(makeSpec({ ...base, checkPort: echo.port, receive: '(unbalanced' }), new AbortController().signal);
    assert.equal(r.up, false);
    assert.match(r.message, /^invalid receive regex/);
  });
});
