import assert from 'node:assert/strict';
import { check } from '../../../src/checks/pgsql.js';
import { sqlSuite } from './cases.js';
import { startPostgres } from './servers.js';

sqlSuite({
  title: 'pgsql check against postgresql 15',
  service: 'pgsql',
  check,
  host: '127.0.7.5',
  start: startPostgres,
  setup: async (db) => {
    await db.admin(`CREATE ROLE checker LOGIN PASSWORD 's3cret'`);
    await db.admin('CREATE DATABASE ldtest OWNER checker');
    await db.admin('\\c ldtest; CREATE TABLE ldcheck (id int); INSERT INTO ldcheck VALUES (1),(2),(3); GRANT SELECT ON ldcheck TO checker');
  },
  badAuth: /28P01: password authentication failed/,
  noTable: /42P01: relation "missing" does not exist/,
  slowRequest: '/SELECT pg_sleep(5)',
  slowTitle: 'statement slower than the deadline: down at the deadline, backend released',
  // The check destroyed its socket: the backend (still in pg_sleep) notices and goes away.
  afterSlow: async (db) => {
    const left = async () => (await db.rows!("SELECT pid FROM pg_stat_activity WHERE application_name = 'ldirectord'")).length;
    const until = Date.now() + 5000;
    while (await left() > 0 && Date.now() < until) await new Promise((res) => setTimeout(res, 100));
    assert.equal(await left(), 0, 'backend of the timed-out check still there');
  },
});
