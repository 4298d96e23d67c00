/**
 * The one byte bound of a check (src/checks/lib/byte-budget.ts) on real loopback sockets: what
 * listeners get, what the socket read from the kernel, how it ends; and the http-parser-js
 * internals the http client's budget decision reads.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { Socket } from 'node:net';
import { HTTPParser } from 'http-parser-js';
import { ByteBudget, meter, meterDatagrams } from '../../../src/checks/lib/byte-budget.js';
import { cutInBody } from '../../../src/checks/lib/http-wire.js';
import { startTcpServer, type TestServer } from '../../harness/index.js';
import { startUdpServer, type UdpServer } from '../dns/udp.js';
import { writeForever } from '../hostile/cases.js';

const HOST = '127.0.9.3';
/** One socket read is at most 64 KiB: the most a socket may read past the bound before it is destroyed. */
const READ_SIZE = 64 * 1024;

function connectMetered(port: number, budget: ByteBudget, inspect?: (chunk: Buffer) => string | undefined): Socket {
  return meter(new Socket(), budget, inspect).connect({ host: HOST, port });
}

/** collect resolves with what the listeners got and how the socket ended. */
function collect(socket: Socket, onData?: (chunk: Buffer) => void): Promise<{ delivered: number; error?: Error; bytesRead: number }> {
  return new Promise((resolve) => {
    let delivered = 0;
    let error: Error | undefined;
    socket.on('data', (c: Buffer) => { delivered += c.length; onData?.(c); });
    socket.on('error', (e) => { error ??= e; });
    socket.on('close', () => resolve({ delivered, bytesRead: socket.bytesRead, ...(error ? { error } : {}) }));
  });
}

describe('ByteBudget', () => {
  it('take counts what fits and marks the overflow', () => {
    const b = new ByteBudget(10);
    assert.equal(b.take(4), 4);
    assert.equal(b.take(6), 6);
    assert.equal(b.exceeded, false, 'exactly max bytes is within the bound');
    assert.equal(b.take(1), 0);
    assert.equal(b.exceeded, true);
    assert.equal(b.bytes, 10);
    assert.equal(b.error().code, 'LD_ERR_RESPONSE_LIMIT');
    assert.equal(b.error().message, 'response exceeds 10 bytes');
  });
});

describe('meter on a real socket', () => {
  let flood: TestServer;
  let small: TestServer;
  let udp: UdpServer;
  before(async () => {
    flood = await startTcpServer(HOST, 0, (s) => writeForever(s, Buffer.alloc(READ_SIZE, 0x61)));
    small = await startTcpServer(HOST, 0, (s) => s.end('hello'));
    udp = await startUdpServer(HOST, 0, () => Buffer.alloc(1000, 0x62));
  });
  after(async () => { await flood.close(); await small.close(); await udp.close(); });

  it('an endless stream: listeners get exactly the bound, the socket reads one chunk past it at most, then dies with the budget error', async () => {
    const max = 300_000;
    const budget = new ByteBudget(max);
    const r = await collect(connectMetered(flood.port, budget));
    assert.equal(r.delivered, max);
    assert.ok(r.bytesRead <= max + READ_SIZE, `read ${r.bytesRead} bytes`);
    assert.equal(r.error?.message, `response exceeds ${max} bytes`);
    assert.equal(budget.exceeded, true);
  });

  it('two sockets of one check share the bound', async () => {
    const budget = new ByteBudget(100_000);
    const [a, b] = await Promise.all([collect(connectMetered(flood.port, budget)), collect(connectMetered(flood.port, budget))]);
    assert.equal(a.delivered + b.delivered, 100_000);
  });

  it('a reply within the bound passes untouched', async () => {
    const budget = new ByteBudget(5);
    const got: Buffer[] = [];
    const r = await collect(connectMetered(small.port, budget), (c) => got.push(c));
    assert.equal(Buffer.concat(got).toString(), 'hello');
    assert.equal(r.error, undefined);
    assert.equal(budget.exceeded, false);
  });

  it('a throw from a data listener (a library parser) becomes a socket error, not an uncaught exception', async () => {
    const socket = connectMetered(small.port, new ByteBudget(1000));
    socket.on('data', () => { throw new Error('parser exploded'); });
    const r = await collect(socket);
    assert.equal(r.error?.message, 'parser exploded');
  });

  it('inspect refuses a chunk before any listener sees it', async () => {
    const r = await collect(connectMetered(small.port, new ByteBudget(1000), () => 'bad frame'));
    assert.equal(r.delivered, 0);
    assert.equal(r.error?.message, 'bad frame');
  });

  it('datagrams: one that does not fit whole becomes the budget error', async () => {
    const budget = new ByteBudget(2500);
    const s = meterDatagrams(createSocket('udp4'), budget);
    const got: number[] = [];
    const error = await new Promise<Error>((resolve) => {
      s.on('message', (m) => got.push(m.length));
      s.on('error', resolve);
      s.connect(udp.port, HOST, () => { for (let i = 0; i < 3; i++) s.send('x'); });
    });
    s.close();
    assert.deepEqual(got, [1000, 1000]);
    assert.equal(error.message, 'response exceeds 2500 bytes');
  });
});

describe('cutInBody reads http-parser-js internals', () => {
  const parse = (text: string): InstanceType<typeof HTTPParser> => {
    const p = new HTTPParser(HTTPParser.RESPONSE);
    p[HTTPParser.kOnHeadersComplete] = () => 0;
    p[HTTPParser.kOnBody] = () => undefined;
    p.execute(Buffer.from(text, 'latin1'));
    return p;
  };
  for (const { desc, text, inBody } of [
    { desc: 'inside a sized body', text: 'HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nabc', inBody: true },
    { desc: 'inside a chunk', text: 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n64\r\nabc', inBody: true },
    { desc: 'on a short chunk-size line', text: 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n6', inBody: true },
    { desc: 'inside a close-delimited body', text: 'HTTP/1.0 200 OK\r\n\r\nabc', inBody: true },
    { desc: 'in the trailers', text: 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX-T: a\r\n', inBody: false },
    { desc: 'on an endless chunk-size line', text: `HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n${'f'.repeat(5000)}`, inBody: false },
    { desc: 'in the headers', text: 'HTTP/1.1 200 OK\r\nX-A: b', inBody: false },
  ]) {
    it(desc, () => assert.equal(cutInBody(parse(text)), inBody));
  }
});
