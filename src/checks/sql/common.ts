import type { CheckFn, SpecOf } from '../types.js';

/** SqlSpec: what the mysql, pgsql and oracle checks read beyond the target. */
export type SqlSpec = SpecOf<'request' | 'login' | 'passwd' | 'database'>;
import { clip } from '../lib/result.js';
import { CheckError } from '../../util/errors.js';
import { type Deadline, down, up, withDeadline } from '../lib/deadline.js';

/**
 * LIBRARY_SLACK_MS is added to the driver libraries' own timeouts so that the check's deadline
 * always fires first: the result then says `timeout after N ms`, and the library's timer only
 * backs up the releases that already destroyed the connection.
 */
export const LIBRARY_SLACK_MS = 100;

/** SqlTarget is what a driver needs to connect and ask. */
export interface SqlTarget {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  readonly database: string;
  /** The statement: the request without its leading "/". */
  readonly query: string;
}

/**
 * SqlDriver connects, runs `query` once and returns how many rows it returned (or, for a
 * statement that returns none, how many it affected: DBI's `$sth->rows`). It registers with
 * `d.defer` a release that destroys its connection, which withDeadline runs on every exit path,
 * the deadline included: that is how a library without AbortSignal support is cut off. A driver
 * that lets us make its socket meters it with `d.budget` (mysql, pgsql; not oracle, see
 * docs/reliability.md).
 */
export type SqlDriver = (target: SqlTarget, d: Deadline) => Promise<number>;

/**
 * sqlCheck turns a driver into the mysql/pgsql/oracle negotiate check (ldirectord check_sql,
 * L3368). Differences from the original, on purpose: the whole check (connect + query) has a
 * deadline (the original had none, reference §5); the statement runs once, not twice (the first
 * run's result was thrown away); any connect, prepare or execute failure is just down (the
 * original's `goto err_disconect` on a prepare failure crashed the daemon, L3400).
 */
export function sqlCheck(driver: SqlDriver): CheckFn<SqlSpec> {
  return (spec, signal, ctx) => {
    const query = spec.request.replace(/^\//, '');
    if (spec.login === '' || query === '') {
      // L3377: the original refuses the same way (logs and reports down).
      return withDeadline(spec.timeoutMs, signal, async () =>
        down('Error: Must specify a login and request string for MySQL, Oracle and PostgreSQL checks'), { ctx });
    }
    return withDeadline(spec.timeoutMs, signal, async (d) => {
      const rows = await driver(targetOf(spec, query), d);
      return rows > 0 ? up(`${rows} row${rows === 1 ? '' : 's'}`) : down('query returned no rows');
    }, { maxBytes: spec.maxBytes, ctx });
  };
}

function targetOf(spec: SqlSpec, query: string): SqlTarget {
  return {
    host: spec.realAddress, port: spec.checkPort, user: spec.login, password: spec.passwd,
    database: spec.database, query,
  };
}

/**
 * sqlError makes one line of a database error: the driver's code (errno name or SQLSTATE)
 * with the server's message, which says what was wrong (bad password, unknown table).
 */
export function sqlError(err: unknown): CheckError {
  if (err && typeof err === 'object') {
    const e = err as { code?: unknown; message?: unknown };
    // oracledb puts the socket error on a second line (NJS-503 ...\nconnect ECONNREFUSED ...).
    const message = typeof e.message === 'string'
      ? e.message.replace(/ \(CONNECTION_ID=[^)]*\)/g, '').split('\n').filter((l) => l.trim() !== '').join('; ')
      : '';
    const code = typeof e.code === 'string' || typeof e.code === 'number' ? String(e.code) : '';
    const text = code !== '' && !message.includes(code) ? `${code}: ${message}` : message || code;
    return new CheckError('LD_ERR_CHECK', clip(text || String(err)));
  }
  return new CheckError('LD_ERR_CHECK', clip(String(err)));
}
