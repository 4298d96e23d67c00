/**
 * The check contract for all ten services of this area, table-driven: a caller abort ends the
 * check at once, an already-aborted signal does no I/O, a silent server is a timeout, the
 * socket is released in every case (the server sees the close), and a server that floods
 * bytes is cut off at maxBytes instead of being buffered until the timeout.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { SERVICE_CHECKS } from '../../../src/checks/registry.js';
import type { CheckServiceName } from '../../../src/checks/types.js';
import { startTcpServer, type TestServer } from '../../harness/tcp.js';
import { CTX, MARGIN_MS, assertTimedOut, serviceSpec, never, timed } from '../../harness/index.js';

const HOST = '127.0.6.18';
const SERVICES: readonly CheckServiceName[] = ['smtp', 'submission', 'pop', 'pops', 'imap', 'imaps', 'nntp', 'ftp', 'ldap', 'ldaps'];
/** Services whose first byte is TLS: a flood of text fails the handshake instead of a line read. */
const TLS = new Set<CheckServiceName>(['pops', 'imaps', 'ldaps']);

/** Silent records every accepted socket and resolves `closed` once the peer released it. */
interface Silent { server: TestServer; next(): Promise<void> }

async function startSilent(): Promise<Silent> {
  const waiting: Array<(s: Socket) => void> = [];
  const server = await startTcpServer(HOST, 0, (s) => { s.resume(); waiting.shift()?.(s); });
  return {
    server,
    // next() resolves when the next accepted connection is closed by the client.
    next: () => new Promise<void>((resolve) => {
      waiting.push((s) => { if (s.destroyed) resolve(); else s.once('close', () => resolve()); });
    }),
  };
}

function withinMs<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let t: NodeJS.Timeout | undefined;
  return Promise.race([p, new Promise<T>((_, rej) => { t = setTimeout(() => rej(new Error(`${what} not within ${ms} ms`)), ms); })])
    .finally(() => clearTimeout(t));
}

describe('check contract: mail, directory, file-transfer services', () => {
  let silent: Silent;
  let flood: TestServer;
  before(async () => {
    silent = await startSilent();
    // Endless bytes, no newline: a reader without a bound would buffer until the deadline.
    const block = Buffer.alloc(16384, 0x41);
    flood = await startTcpServer(HOST, 0, (s) => {
      const pump = (): void => { while (!s.destroyed && s.write(block)); };
      s.on('drain', pump);
      pump();
    });
  });
  after(async () => {
    await silent?.server.close();
    await flood?.close();
  });

  for (const svc of SERVICES) {
    const check = SERVICE_CHECKS[svc];

    it(`${svc}: timeout against a silent server releases the socket`, async () => {
      const released = silent.next();
      const spec = serviceSpec(svc, HOST, silent.server.port, { timeoutMs: 500, login: 'u', passwd: 'p' });
      const { value: r, ms } = await timed(() => check(spec, never(), CTX));
      assertTimedOut(r, 500, ms);
      await withinMs(released, 1000, 'server-side close');
    });

    it(`${svc}: a caller abort ends the check at once and releases the socket`, async () => {
      const released = silent.next();
      const ctl = new AbortController();
      setTimeout(() => ctl.abort(), 150);
      const spec = serviceSpec(svc, HOST, silent.server.port, { timeoutMs: 30_000 });
      const { value: r, ms } = await timed(() => check(spec, ctl.signal, CTX));
      assert.equal(r.up, false);
      assert.equal(r.message, 'aborted');
      assert.ok(ms < 150 + MARGIN_MS, `returned after ${ms} ms`);
      await withinMs(released, 1000, 'server-side close');
    });

    it(`${svc}: the scheduler's AbortSignal.timeout() reads as a timeout`, async () => {
      const spec = serviceSpec(svc, HOST, silent.server.port, { timeoutMs: 400 });
      const r = await check(spec, AbortSignal.timeout(200), CTX);
      assert.equal(r.up, false);
      assert.equal(r.message, 'timeout after 400 ms');
    });

    it(`${svc}: an already-aborted signal returns down without connecting`, async () => {
      const before = silent.server.connections();
      const ctl = new AbortController();
      ctl.abort();
      const r = await check(serviceSpec(svc, HOST, silent.server.port), ctl.signal, CTX);
      assert.equal(r.up, false);
      assert.equal(r.message, 'aborted');
      await new Promise((res) => setTimeout(res, 50));
      assert.equal(silent.server.connections(), before);
    });

    it(`${svc}: a flooding server is cut off at maxBytes, well before the timeout`, async () => {
      const spec = serviceSpec(svc, HOST, flood.port, { timeoutMs: 5000, maxBytes: 4096, login: 'u', passwd: 'p' });
      const { value: r, ms } = await timed(() => check(spec, never(), CTX));
      assert.equal(r.up, false, r.message);
      assert.ok(ms < 2000, `took ${ms} ms: ${r.message}`);
      // nntp judges the first 64 bytes; the flood has run the byte budget out by then.
      if (svc === 'nntp') assert.match(r.message, /^greeting: A{64}$|^response exceeds 4096 bytes$/);
      else if (!TLS.has(svc)) assert.match(r.message, /exceeds 4096 bytes|not an SMTP reply|greeting|exceeded/);
    });
  }
});
