import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { check } from '../../../src/checks/mysql.js';
import { freePort, makeTempDir } from '../../harness/index.js';
import { never, specFor } from '../../harness/index.js';
import { sqlCases } from './cases.js';
import { startMariadb, type DbServer } from './servers.js';

const HOST = '127.0.7.4';

describe('mysql check against mariadb', () => {
  const tmp = makeTempDir('mysql');
  let db: DbServer | undefined;
  let port = 0;
  before(async () => {
    port = await freePort(HOST);
    db = await startMariadb(tmp, HOST, port);
    await db.admin(`CREATE DATABASE ldtest; CREATE TABLE ldtest.ldcheck (id INT); INSERT INTO ldtest.ldcheck VALUES (1),(2),(3);
      CREATE USER 'checker'@'%' IDENTIFIED BY 's3cret'; GRANT SELECT ON ldtest.* TO 'checker'@'%';`);
  });
  after(async () => { await db?.stop(); tmp.remove(); });

  const spec = (over: { request: string; login?: string; passwd?: string; database?: string; timeoutMs?: number }) => specFor({
    service: 'mysql', realAddress: HOST, checkPort: port, login: 'checker', passwd: 's3cret', database: 'ldtest', timeoutMs: 5000, ...over,
  });
  for (const c of sqlCases(/ER_ACCESS_DENIED_ERROR/, /ER_NO_SUCH_TABLE/)) {
    test(c.desc, async () => {
      const r = await check(spec(c), never(), {});
      assert.equal(r.up, c.up, r.message);
      assert.match(r.message, c.message);
    });
  }
  test('statement slower than the deadline: down at the deadline', async () => {
    const t0 = performance.now();
    const r = await check(spec({ request: '/SELECT SLEEP(5)', timeoutMs: 800 }), never(), {});
    const took = performance.now() - t0;
    assert.equal(r.up, false);
    assert.match(r.message, /timeout after 800 ms/);
    assert.ok(took < 800 + 1500, `took ${took} ms`);
  });
  test('server stopped: refused', async () => {
    await db?.stop();
    const r = await check(spec({ request: '/SELECT 1' }), never(), {});
    assert.equal(r.up, false);
    assert.match(r.message, /ECONNREFUSED/);
  });
});
