import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { check } from '../../../src/checks/pgsql.js';
import { freePort, makeTempDir } from '../../harness/index.js';
import { never, specFor } from '../../harness/index.js';
import { sqlCases } from './cases.js';
import { startPostgres, type DbServer } from './servers.js';

const HOST = '127.0.7.5';

describe('pgsql check against postgresql 15', () => {
  const tmp = makeTempDir('pgsql');
  let db: DbServer | undefined;
  let port = 0;
  before(async () => {
    port = await freePort(HOST);
    db = await startPostgres(tmp, HOST, port);
    await db.admin(`CREATE ROLE checker LOGIN PASSWORD 's3cret'`);
    await db.admin('CREATE DATABASE ldtest OWNER checker');
    await db.admin('\\c ldtest; CREATE TABLE ldcheck (id int); INSERT INTO ldcheck VALUES (1),(2),(3); GRANT SELECT ON ldcheck TO checker');
  });
  after(async () => { await db?.stop(); tmp.remove(); });

  const spec = (over: { request: string; login?: string; passwd?: string; database?: string; timeoutMs?: number }) => specFor({
    service: 'pgsql', realAddress: HOST, checkPort: port, login: 'checker', passwd: 's3cret', database: 'ldtest', timeoutMs: 5000, ...over,
  });
  for (const c of sqlCases(/28P01: password authentication failed/, /42P01: relation "missing" does not exist/)) {
    test(c.desc, async () => {
      const r = await check(spec(c), never(), {});
      assert.equal(r.up, c.up, r.message);
      assert.match(r.message, c.message);
    });
  }
  test('statement slower than the deadline: down at the deadline, backend released', async () => {
    const t0 = performance.now();
    const r = await check(spec({ request: '/SELECT pg_sleep(5)', timeoutMs: 800 }), never(), {});
    const took = performance.now() - t0;
    assert.equal(r.up, false);
    assert.match(r.message, /timeout after 800 ms/);
    assert.ok(took < 800 + 1500, `took ${took} ms`);
    // The check destroyed its socket: the backend (still in pg_sleep) notices and goes away.
    const left = async () => (await db!.rows!("SELECT pid FROM pg_stat_activity WHERE application_name = 'ldirectord'")).length;
    const until = Date.now() + 5000;
    while (await left() > 0 && Date.now() < until) await new Promise((res) => setTimeout(res, 100));
    assert.equal(await left(), 0, 'backend of the timed-out check still there');
  });
  test('server stopped: refused', async () => {
    await db?.stop();
    const r = await check(spec({ request: '/SELECT 1' }), never(), {});
    assert.equal(r.up, false);
    assert.match(r.message, /ECONNREFUSED/);
  });
});
