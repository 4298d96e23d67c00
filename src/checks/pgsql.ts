import pg from 'pg';
import { LIBRARY_SLACK_MS, sqlCheck, sqlError, type SqlDriver } from './sql/common.js';
import { Socket } from 'node:net';
import { meter } from './lib/byte-budget.js';
import { pgFrameInspector } from './sql/pg-frames.js';

/**
 * runPgsql connects with node-postgres and runs the statement once (simple query protocol, as
 * DBD::Pg's non-prepared execute). Every connection parameter is explicit so nothing leaks in
 * from PG* environment variables or ~/.pgpass. pg has no AbortSignal support: the deadline's
 * release destroys the socket under the client, which fails whatever is pending.
 */
const runPgsql: SqlDriver = async (t, d) => {
  const client = new pg.Client({
    host: t.host, port: t.port, user: t.user, password: t.password,
    // DBI's dbname= empty means "the default", which for PostgreSQL is the user's name.
    database: t.database !== '' ? t.database : t.user,
    // A little after our deadline: ours must fire first (and name the timeout), pg's is the backstop.
    connectionTimeoutMillis: Math.ceil(d.remainingMs()) + LIBRARY_SLACK_MS,
    application_name: 'ldirectord',
    // Our socket: pg parses inside its 'data' listener, and a hostile reply must not throw from
    // there (meter() turns that into a socket error), loop in there (pg-frames.ts) or make it
    // buffer a message of any announced length (up to 1 GiB) without bound (the byte budget).
    stream: () => meter(new Socket(), d.budget, pgFrameInspector()),
  });
  d.defer(() => {
    client.connection.stream.destroy();
    client.end().catch(() => undefined);
  });
  // Errors after the outcome (backend terminated, socket destroyed) must not become unhandled.
  client.on('error', () => undefined);
  try {
    await client.connect();
    const res: pg.QueryResult | pg.QueryResult[] = await client.query(t.query);
    const last = Array.isArray(res) ? res[res.length - 1] : res;
    return last === undefined ? 0 : last.rowCount ?? last.rows.length;
  } catch (e) {
    throw sqlError(e);
  }
};

/** check is the pgsql negotiate check (ldirectord check_pgsql, L3348). */
export const check = sqlCheck(runPgsql);
