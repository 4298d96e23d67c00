import oracledb from 'oracledb';
import { LIBRARY_SLACK_MS, sqlCheck, sqlError, type SqlDriver } from './sql/common.js';

/**
 * connectDescriptor names the database by SID, as the original's `dbi:Oracle:sid=<database>`,
 * and carries the connect timeouts in seconds: unlike getConnection's integer-only options, the
 * descriptor takes fractions. Values are put in verbatim: they come from the director's own
 * config, not from the network.
 */
export function connectDescriptor(host: string, port: number, sid: string, timeoutSeconds: number): string {
  const s = timeoutSeconds.toFixed(3);
  return `(DESCRIPTION=(CONNECT_TIMEOUT=${s})(TRANSPORT_CONNECT_TIMEOUT=${s})(RETRY_COUNT=0)`
    + `(ADDRESS=(PROTOCOL=TCP)(HOST=${host})(PORT=${port}))(CONNECT_DATA=(SID=${sid})))`;
}

/**
 * runOracle uses node-oracledb in thin mode (pure JavaScript, no Oracle client libraries).
 * oracledb takes no AbortSignal and exposes no socket before getConnection resolves, so the
 * deadline is passed in its own terms: CONNECT_TIMEOUT/TRANSPORT_CONNECT_TIMEOUT (seconds) make
 * the library destroy a connect attempt that overruns, and callTimeout bounds the query round
 * trip. A connection that arrives after the check has given up is closed at once.
 */
const runOracle: SqlDriver = async (t, d) => {
  // A little after our deadline: ours must fire first (and name the timeout), then the library
  // destroys its connect attempt.
  const seconds = (d.remainingMs() + LIBRARY_SLACK_MS) / 1000;
  try {
    const conn = await oracledb.getConnection({
      user: t.user, password: t.password, connectString: connectDescriptor(t.host, t.port, t.database, seconds),
    });
    // Runs at once when the deadline has already passed, else when the check ends.
    d.defer(() => { conn.close().catch(() => undefined); });
    conn.callTimeout = Math.max(1, Math.floor(d.remainingMs()));
    // L3429: the original fetches one row, then asks how many rows it has.
    const res = await conn.execute(t.query, [], { maxRows: 1 });
    return res.rows !== undefined ? res.rows.length : res.rowsAffected ?? 0;
  } catch (e) {
    throw sqlError(e);
  }
};

/** check is the oracle negotiate check (ldirectord check_oracle, L3363). */
export const check = sqlCheck(runOracle);
