import { Socket } from 'node:net';
import mysql from 'mysql2';
import { meter } from './lib/byte-budget.js';
import { LIBRARY_SLACK_MS, sqlCheck, sqlError, type SqlDriver } from './sql/common.js';

/**
 * runMysql connects with mysql2 (its own connect timeout set to what is left of the deadline),
 * runs the statement and counts rows. mysql2 has no AbortSignal support: the deadline's release
 * destroys the connection's socket, which also fails the pending query. The socket is ours,
 * metered: mysql2 buffers a packet of any announced length (up to 16 MiB, then joins more) and
 * every row of the result, so the byte budget is what bounds a lying or endless reply.
 */
const runMysql: SqlDriver = (t, d) => new Promise((resolve, reject) => {
  const conn = mysql.createConnection({
    host: t.host, port: t.port, user: t.user, password: t.password,
    ...(t.database !== '' ? { database: t.database } : {}),
    // A little after our deadline: ours must fire first (and name the timeout), mysql2's is the backstop.
    connectTimeout: Math.ceil(d.remainingMs()) + LIBRARY_SLACK_MS,
    multipleStatements: false,
    stream: () => meter(new Socket().setNoDelay(true).connect({ host: t.host, port: t.port }), d.budget),
  });
  d.defer(() => conn.destroy());
  // Errors after the outcome (the server going away mid-check) must not become unhandled.
  conn.on('error', () => undefined);
  conn.query(t.query, (err, rows) => {
    if (err) { reject(sqlError(err)); return; }
    resolve(Array.isArray(rows) ? rows.length : (rows as { affectedRows?: number }).affectedRows ?? 0);
  });
});

/** check is the mysql negotiate check (ldirectord check_mysql, L3343). */
export const check = sqlCheck(runMysql);
