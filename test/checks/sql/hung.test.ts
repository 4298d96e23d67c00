import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { check as mysql } from '../../../src/checks/mysql.js';
import { check as pgsql } from '../../../src/checks/pgsql.js';
import { check as oracle, connectDescriptor } from '../../../src/checks/oracle.js';
import type { CheckFn } from '../../../src/checks/types.js';
import type { SqlSpec } from '../../../src/checks/sql/common.js';
import { freePort, startTcpServer, type TestServer } from '../../harness/index.js';
import { never, specFor } from '../../harness/index.js';

const HOST = '127.0.7.6';
const TIMEOUT = 800;
const MARGIN = 1500;

/** A server that counts open connections, so a test can see the check let go of its socket. */
async function counting(onConnection: (s: Socket) => void): Promise<TestServer & { open(): number }> {
  let open = 0;
  const srv = await startTcpServer(HOST, 0, (s) => { open++; s.once('close', () => open--); onConnection(s); });
  return Object.assign(srv, { open: () => open });
}

async function settled(probe: () => number, ms: number): Promise<number> {
  const until = Date.now() + ms;
  while (probe() > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
  return probe();
}

const drivers: Array<{ name: 'mysql' | 'pgsql' | 'oracle'; fn: CheckFn<SqlSpec> }> = [
  { name: 'mysql', fn: mysql }, { name: 'pgsql', fn: pgsql }, { name: 'oracle', fn: oracle },
];

describe('sql checks against servers that are not databases', () => {
  let hung: Awaited<ReturnType<typeof counting>> | undefined;
  let garbage: Awaited<ReturnType<typeof counting>> | undefined;
  let slam: Awaited<ReturnType<typeof counting>> | undefined;
  let zeros: Awaited<ReturnType<typeof counting>> | undefined;
  const hostile = new Map<string, Awaited<ReturnType<typeof counting>>>();
  before(async () => {
    hung = await counting((s) => s.resume());
    // Speaks first and answers anything with a line of text, keeping the connection open.
    garbage = await counting((s) => {
      s.write('HTTP/1.0 400 Bad Request\r\n\r\n');
      s.on('data', () => s.write('garbage garbage garbage\r\n'));
    });
    // Answers garbage and closes.
    slam = await counting((s) => { s.end('\x00\x08garbage!'); });
    // Zero bytes read as packet headers that announce a length of 0 (oracledb < 7 looped on
    // such a header without consuming it, blocking the event loop until the heap ran out).
    zeros = await counting((s) => { s.resume(); s.write(Buffer.alloc(2000)); });
  });
  // Replies that the drivers' parsers choke on. pg-protocol parses inside the socket's 'data'
  // listener, so a throw there was an uncaught exception (the daemon died), and it buffers a
  // message of any announced length (a stream of "A" announces a 1 GiB NotificationResponse).
  const HOSTILE: Record<string, (s: Socket) => void> = {
    'an endless stream of "A"': (s) => {
      const chunk = Buffer.alloc(65536, 'A');
      const pump = (): void => { while (!s.destroyed && s.write(chunk)); };
      s.on('drain', pump);
      s.on('error', () => undefined);
      pump();
    },
    'an authentication request of an unknown kind': (s) => { s.write(Buffer.from('520000000868ae7972', 'hex')); },
    'a CopyInResponse with a negative column count': (s) => { s.write(Buffer.from('47000000070080ff', 'hex')); },
    'a DataRow whose field runs past the message': (s) => { s.write(Buffer.from('440000000a000100000fff7f', 'hex')); },
    // pg-protocol reads ErrorResponse/NoticeResponse fields until a NUL field type; past the end
    // of the data it reads '' forever: a synchronous loop that froze the daemon.
    'a NoticeResponse without its terminator': (s) => { s.write(Buffer.from('4e00000004', 'hex')); },
    'an ErrorResponse whose last field is unterminated': (s) => { s.write(Buffer.from('45000000084d6f6f70', 'hex')); },
  };
  before(async () => {
    for (const [what, behave] of Object.entries(HOSTILE)) hostile.set(what, await counting((s) => { s.resume(); behave(s); }));
  });
  after(async () => {
    await hung?.close(); await garbage?.close(); await slam?.close(); await zeros?.close();
    for (const srv of hostile.values()) await srv.close();
  });

  for (const { name, fn } of drivers) {
    const spec = (port: number) => specFor({
      service: name, realAddress: HOST, checkPort: port, login: 'u', passwd: 'p', database: 'db', request: '/SELECT 1', timeoutMs: TIMEOUT,
    });
    test(`${name}: accepts and never answers: down at the deadline, socket released`, async () => {
      const t0 = performance.now();
      const r = await fn(spec(hung!.port), never(), {});
      const took = performance.now() - t0;
      assert.equal(r.up, false);
      assert.match(r.message, /timeout after 800 ms/);
      assert.ok(took >= TIMEOUT - 50 && took < TIMEOUT + MARGIN, `took ${took} ms`);
      assert.equal(await settled(() => hung!.open(), 1000), 0, 'connection left open');
    });
    test(`${name}: garbage that never completes a reply: down, socket released`, async () => {
      const r = await fn(spec(garbage!.port), never(), {});
      assert.equal(r.up, false);
      assert.equal(await settled(() => garbage!.open(), 1000), 0, 'connection left open');
    });
    test(`${name}: garbage then close: down quickly`, async () => {
      const r = await fn(spec(slam!.port), never(), {});
      assert.equal(r.up, false);
      assert.doesNotMatch(r.message, /timeout/);
    });
    test(`${name}: zero-length packet headers: down within the deadline (a driver that loops on them never returns)`, async () => {
      const t0 = performance.now();
      const r = await fn(spec(zeros!.port), never(), {});
      const took = performance.now() - t0;
      assert.equal(r.up, false);
      assert.ok(took < TIMEOUT + MARGIN, `took ${took} ms`);
      assert.equal(await settled(() => zeros!.open(), 1000), 0, 'connection left open');
    });
    for (const what of Object.keys(HOSTILE)) {
      test(`${name}: ${what}: down, no uncaught exception, socket released`, async () => {
        const srv = hostile.get(what)!;
        const r = await fn(spec(srv.port), never(), {});
        assert.equal(r.up, false);
        // More than maxBytes of reply is an answer in itself: no waiting for the deadline while
        // the driver buffers (towards 1 GiB, where pg-protocol threw ERR_STRING_TOO_LONG).
        if (what.startsWith('an endless')) assert.doesNotMatch(r.message, /timeout/);
        assert.equal(await settled(() => srv.open(), 1000), 0, 'connection left open');
      });
    }
    test(`${name}: nothing listening: refused`, async () => {
      const r = await fn(spec(await freePort(HOST)), never(), {});
      assert.equal(r.up, false);
      assert.match(r.message, /ECONNREFUSED/);
    });
  }
});

test('oracle: connect descriptor by SID with the deadline in seconds', () => {
  assert.equal(connectDescriptor('10.0.0.1', 1521, 'ORCL', 1.25),
    '(DESCRIPTION=(CONNECT_TIMEOUT=1.250)(TRANSPORT_CONNECT_TIMEOUT=1.250)(RETRY_COUNT=0)'
    + '(ADDRESS=(PROTOCOL=TCP)(HOST=10.0.0.1)(PORT=1521))(CONNECT_DATA=(SID=ORCL)))');
});
