/**
 * The table and the suite both real-server SQL tests run (mysql against mariadb, pgsql against
 * postgresql): what the check must say for each situation, at the deadline, and once stopped.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { CheckFn, CheckServiceName } from '../../../src/checks/types.js';
import type { SqlSpec } from '../../../src/checks/sql/common.js';
import { freePort, makeTempDir, never, specFor, type TempDir } from '../../harness/index.js';
import type { DbServer } from './servers.js';

export interface SqlCase {
  readonly desc: string;
  readonly request: string;
  readonly login?: string;
  readonly passwd?: string;
  readonly database?: string;
  readonly up: boolean;
  readonly message: RegExp;
}

/** sqlCases: `badAuth` and `noTable` are the server's own error texts for those cases. */
export function sqlCases(badAuth: RegExp, noTable: RegExp): SqlCase[] {
  return [
    { desc: 'statement returns rows: up', request: '/SELECT id FROM ldcheck', up: true, message: /^3 rows$/ },
    { desc: 'request without leading slash', request: 'SELECT id FROM ldcheck WHERE id = 2', up: true, message: /^1 row$/ },
    { desc: 'statement returns no rows: down', request: '/SELECT id FROM ldcheck WHERE id < 0', up: false, message: /no rows/ },
    { desc: 'bad password: down', request: '/SELECT id FROM ldcheck', passwd: 'wrong', up: false, message: badAuth },
    { desc: 'unknown table (prepare failure, a crash in the original): down', request: '/SELECT * FROM missing', up: false, message: noTable },
    { desc: 'syntax error: down', request: '/SELEC id FROM ldcheck', up: false, message: /syntax/ },
    { desc: 'unknown database: down', request: '/SELECT 1', database: 'nosuchdb', up: false, message: /nosuchdb/ },
    { desc: 'empty login: down without connecting', request: '/SELECT 1', login: '', up: false, message: /Must specify a login and request/ },
    { desc: 'empty request: down without connecting', request: '/', up: false, message: /Must specify a login and request/ },
  ];
}

/** SqlSuite says what differs between the databases; the rest is the same suite. */
export interface SqlSuite {
  readonly title: string;
  readonly service: CheckServiceName;
  readonly check: CheckFn<SqlSpec>;
  readonly host: string;
  readonly start: (tmp: TempDir, host: string, port: number) => Promise<DbServer>;
  /** setup creates user checker/s3cret, database ldtest, and table ldcheck with 3 rows. */
  readonly setup: (db: DbServer) => Promise<void>;
  readonly badAuth: RegExp;
  readonly noTable: RegExp;
  /** A statement that takes 5 s, and the title of the test that runs it under an 800 ms deadline. */
  readonly slowRequest: string;
  readonly slowTitle: string;
  /** afterSlow checks what the server saw after the timed-out statement. */
  readonly afterSlow?: (db: DbServer) => Promise<void>;
}

/** sqlSuite registers the real-server suite of one SQL check. */
export function sqlSuite(o: SqlSuite): void {
  describe(o.title, () => {
    const tmp = makeTempDir(o.service);
    let db: DbServer | undefined;
    let port = 0;
    before(async () => {
      port = await freePort(o.host);
      db = await o.start(tmp, o.host, port);
      await o.setup(db);
    });
    after(async () => { await db?.stop(); tmp.remove(); });

    const spec = (over: { request: string; login?: string; passwd?: string; database?: string; timeoutMs?: number }) => specFor({
      service: o.service, realAddress: o.host, checkPort: port, login: 'checker', passwd: 's3cret', database: 'ldtest', timeoutMs: 5000, ...over,
    });
    for (const c of sqlCases(o.badAuth, o.noTable)) {
      test(c.desc, async () => {
        const r = await o.check(spec(c), never(), {});
        assert.equal(r.up, c.up, r.message);
        assert.match(r.message, c.message);
      });
    }
    test(o.slowTitle, async () => {
      const t0 = performance.now();
      const r = await o.check(spec({ request: o.slowRequest, timeoutMs: 800 }), never(), {});
      const took = performance.now() - t0;
      assert.equal(r.up, false);
      assert.match(r.message, /timeout after 800 ms/);
      assert.ok(took < 800 + 1500, `took ${took} ms`);
      await o.afterSlow?.(db as DbServer);
    });
    test('server stopped: refused', async () => {
      await db?.stop();
      const r = await o.check(spec({ request: '/SELECT 1' }), never(), {});
      assert.equal(r.up, false);
      assert.match(r.message, /ECONNREFUSED/);
    });
  });
}
