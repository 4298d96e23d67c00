/**
 * The http check's own client (src/checks/lib/http-wire.ts) against scripted and hostile
 * servers: framings nginx never produces, malformed and endless responses. Every case must end
 * as a result within its deadline and leave no connection open on the server.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { runCheck } from '../../../src/checks/run.js';
import type { CheckSpec } from '../../../src/checks/types.js';
import { makeSpec, startTcpServer, type TestServer } from './imports.js';
import { waitUntil } from '../../harness/wait.js';

const HOST = '127.0.5.41';

/** Script writes a response once the request's header block has arrived. */
type Script = (s: Socket, request: string) => void;

interface Scripted {
  readonly server: TestServer;
  /** Connections the server still has open. */
  open(): number;
  /** Raw requests received, in order. */
  readonly requests: string[];
}

async function startScripted(script: Script): Promise<Scripted> {
  const live = new Set<Socket>();
  const requests: string[] = [];
  const server = await startTcpServer(HOST, 0, (s) => {
    live.add(s);
    s.once('close', () => live.delete(s));
    let req = '';
    let started = false;
    s.on('data', (d: Buffer) => {
      req += d.toString('latin1');
      if (!started && req.includes('\r\n\r\n')) {
        started = true;
        requests.push(req);
        script(s, req);
      }
    });
  });
  return { server, open: () => live.size, requests };
}

const MB = 1 << 20;

/** writeForever keeps writing `block` while the peer reads, until it goes away. */
function writeForever(s: Socket, block: Buffer): void {
  const pump = (): void => {
    while (!s.destroyed && s.write(block));
    if (!s.destroyed) s.once('drain', pump);
  };
  pump();
}

const cases: Array<{ desc: string; script: Script; over?: Partial<CheckSpec>; up: boolean; message: string | RegExp }> = [
  {
    desc: 'chunked body is decoded and matched',
    script: (s) => s.end('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nTest \r\n4\r\nPage\r\n0\r\n\r\n'),
    up: true, message: '200 OK',
  },
  {
    desc: 'a match split across chunks is found',
    script: (s) => { s.write('HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nTest'); setTimeout(() => s.end(' Page'), 20); },
    up: true, message: '200 OK',
  },
  {
    desc: 'a body delimited by the close (HTTP/1.0, no length) is read to the end',
    script: (s) => { s.write('HTTP/1.0 200 OK\r\n\r\nsome '); setTimeout(() => s.end('Test Page'), 20); },
    up: true, message: '200 OK',
  },
  {
    desc: 'interim 100 and 103 responses are skipped',
    script: (s) => s.end('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </x>\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nTest Page'),
    up: true, message: '200 OK',
  },
  {
    desc: 'the reason phrase is the server\'s own',
    script: (s) => s.end('HTTP/1.1 503 Back Soon\r\nContent-Length: 0\r\n\r\n'),
    up: false, message: '503 Back Soon',
  },
  {
    desc: 'an empty 204 with an empty receive is up',
    script: (s) => s.end('HTTP/1.1 204 No Content\r\n\r\n'),
    over: { receive: '' }, up: true, message: '204 No Content',
  },
  {
    desc: 'a negative Content-Length is a bad response, not a loop',
    script: (s) => s.end('HTTP/1.1 200 OK\r\nContent-Length: -5\r\n\r\nTest Page'),
    up: false, message: 'HTTP_BAD_RESPONSE',
  },
  {
    desc: 'a non-numeric Content-Length is a bad response',
    script: (s) => s.end('HTTP/1.1 200 OK\r\nContent-Length: 9x\r\n\r\nTest Page'),
    up: false, message: 'HTTP_BAD_RESPONSE',
  },
  {
    desc: 'a negative chunk size is a bad response, not a loop',
    script: (s) => s.end('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n-5\r\nTest Page\r\n0\r\n\r\n'),
    up: false, message: 'HTTP_BAD_RESPONSE',
  },
  {
    desc: 'something that is not HTTP is a bad response',
    script: (s) => s.end('SSH-2.0-OpenSSH_9.2\r\n\r\n'),
    up: false, message: 'HTTP_BAD_RESPONSE',
  },
  {
    desc: 'a close before any response is reported as such',
    script: (s) => s.end(),
    up: false, message: 'HTTP_INCOMPLETE',
  },
  {
    desc: 'a body shorter than its Content-Length is cut short',
    script: (s) => s.end('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nTest Page'),
    up: false, message: 'HTTP_INCOMPLETE',
  },
  {
    desc: 'endless headers stop at the header cap, long before the deadline',
    script: (s) => { s.write('HTTP/1.1 200 OK\r\n'); writeForever(s, Buffer.from('X-Filler: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n'.repeat(100))); },
    up: false, message: 'HTTP_BAD_RESPONSE',
  },
  {
    desc: 'an endless stream of interim responses stops at the interim cap',
    script: (s) => writeForever(s, Buffer.from('HTTP/1.1 100 Continue\r\n\r\n'.repeat(200))),
    up: false, message: 'HTTP_BAD_RESPONSE',
  },
  {
    desc: 'an endless 2xx body is cut at maxBytes',
    script: (s) => { s.write('HTTP/1.1 200 OK\r\n\r\n'); writeForever(s, Buffer.alloc(64 * 1024, 'a')); },
    over: { maxBytes: MB }, up: false, message: /^no match in first 1048576 bytes \(body truncated\)/,
  },
  {
    desc: 'the body of a non-2xx is not read (a huge 500 ends at its status line)',
    script: (s) => { s.write('HTTP/1.1 500 Internal Server Error\r\n\r\n'); writeForever(s, Buffer.alloc(64 * 1024, 'a')); },
    up: false, message: '500 Internal Server Error',
  },
  {
    desc: 'a 200 that never ends its body times out',
    script: (s) => s.write('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nTest'),
    over: { timeoutMs: 400 }, up: false, message: 'timeout after 400 ms',
  },
];

describe('http wire client against scripted servers', () => {
  for (const c of cases) {
    it(c.desc, async () => {
      const srv = await startScripted(c.script);
      try {
        const spec = makeSpec({ kind: 'negotiate', service: 'http', realAddress: HOST, checkPort: srv.server.port, request: '/.testpage', receive: 'Test Page', timeoutMs: 5000, ...c.over });
        const t0 = performance.now();
        const r = await runCheck(spec, new AbortController().signal);
        const took = performance.now() - t0;
        assert.equal(r.up, c.up, `message: ${r.message}`);
        if (typeof c.message === 'string') assert.equal(r.message, c.message); else assert.match(r.message, c.message);
        assert.ok(took < spec.timeoutMs + 1000, `took ${took} ms`);
        // The check released its connection: the server sees it closed.
        await waitUntil('the server to see the connection closed', () => srv.open() === 0, 2000, 10);
      } finally {
        await srv.server.close();
      }
    });
  }
});

describe('http wire client request', () => {
  let srv: Scripted;
  before(async () => { srv = await startScripted((s) => s.end('HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nTest Page')); });
  after(async () => { await srv?.server.close(); });

  it('sends one request line, Host and Connection: close, nothing else', async () => {
    const r = await runCheck(makeSpec({ kind: 'negotiate', service: 'http', realAddress: HOST, checkPort: srv.server.port, request: '/a%20b?c=d', receive: 'Test Page' }), new AbortController().signal);
    assert.equal(r.up, true, r.message);
    assert.equal(srv.requests.at(-1), `GET /a%20b?c=d HTTP/1.1\r\nHost: ${HOST}\r\nConnection: close\r\n\r\n`);
  });

  it('HEAD sends HEAD and reads no body', async () => {
    const r = await runCheck(makeSpec({ kind: 'negotiate', service: 'http', realAddress: HOST, checkPort: srv.server.port, request: '/', receive: '', httpMethod: 'HEAD', virtualHost: 'www.example.test' }), new AbortController().signal);
    assert.equal(r.up, true, r.message);
    assert.equal(srv.requests.at(-1), 'HEAD / HTTP/1.1\r\nHost: www.example.test\r\nConnection: close\r\n\r\n');
  });
});
