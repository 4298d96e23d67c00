/**
 * MariaDB and PostgreSQL as real servers for the sql check tests: a throwaway data directory
 * in a temp dir, listening on a loopback address and port plus a unix socket in that dir (used
 * for setup as the superuser), started in the foreground and stopped by pid.
 */
import { execFile } from 'node:child_process';
import { chownSync } from 'node:fs';
import { promisify } from 'node:util';
import pg from 'pg';
import { startProcess, type ServerProcess, type TempDir } from '../../harness/index.js';
import { waitFor } from '../dns/udp.js';

const run = promisify(execFile);
const PG_BIN = '/usr/lib/postgresql/15/bin';

/** DbServer is a started database; `admin(sql)` runs statements as the superuser. */
export interface DbServer {
  readonly host: string;
  readonly port: number;
  admin(sql: string): Promise<void>;
  /** rows runs one query as the superuser and returns its rows (postgres only). */
  rows?(sql: string): Promise<unknown[]>;
  stop(): Promise<void>;
  output(): string;
}

/** startMariadb initialises a datadir with mariadb-install-db and runs mariadbd on host:port. */
export async function startMariadb(dir: TempDir, host: string, port: number): Promise<DbServer> {
  await run('mariadb-install-db', [
    '--no-defaults', `--datadir=${dir.join('data')}`, '--user=root', '--auth-root-authentication-method=socket',
    '--skip-test-db',
  ], { timeout: 60_000 });
  const sock = dir.join('mysqld.sock');
  const proc = await startProcess('mariadbd', [
    '--no-defaults', `--datadir=${dir.join('data')}`, `--socket=${sock}`, `--port=${port}`,
    `--bind-address=${host}`, `--pid-file=${dir.join('mysqld.pid')}`, '--user=root', '--skip-log-bin',
    '--innodb-buffer-pool-size=16M', '--skip-name-resolve', `--log-error=${dir.join('error.log')}`,
  ], { ready: { host, port }, readyTimeoutMs: 30_000 });
  return {
    host, port,
    admin: async (sql) => {
      await run('mariadb', ['--no-defaults', '-S', sock, '-u', 'root', '-e', sql], { timeout: 30_000 });
    },
    stop: () => proc.stop(10_000),
    output: () => proc.output(),
  };
}

/**
 * startPostgres runs initdb and postgres as the `postgres` user (both refuse root) through
 * setpriv, which execs in place, so the pid we hold is the postmaster's.
 */
export async function startPostgres(dir: TempDir, host: string, port: number): Promise<DbServer> {
  const uid = Number((await run('id', ['-u', 'postgres'])).stdout.trim());
  const gid = Number((await run('id', ['-g', 'postgres'])).stdout.trim());
  chownSync(dir.path, uid, gid);
  const asPostgres = ['--reuid=postgres', '--regid=postgres', '--clear-groups', '--'];
  await run('setpriv', [...asPostgres, `${PG_BIN}/initdb`, '-D', dir.join('data'), '-U', 'postgres',
    '--auth-local=trust', '--auth-host=scram-sha-256', '-E', 'UTF8', '--no-sync'], { timeout: 60_000, cwd: '/tmp' });
  const proc: ServerProcess = await startProcess('setpriv', [...asPostgres, `${PG_BIN}/postgres`, '-D', dir.join('data'),
    '-k', dir.path, '-h', host, '-p', String(port), '-c', 'fsync=off', '-c', 'shared_buffers=16MB',
    // Lets a backend notice a vanished client mid-query, so tests can see the check let go.
    '-c', 'client_connection_check_interval=100'],
  { ready: { host, port }, readyTimeoutMs: 30_000, cwd: '/tmp' });
  // The port opens before recovery ends ("the database system is starting up"): poll a login.
  const ping = async (): Promise<boolean> => {
    const client = new pg.Client({ host: dir.path, port, user: 'postgres', database: 'postgres' });
    client.on('error', () => undefined);
    try { await client.connect(); await client.query('SELECT 1'); return true; } catch { return false; } finally { await client.end().catch(() => undefined); }
  };
  try {
    await waitFor('postgres', ping, 30_000);
  } catch (e) {
    proc.child.kill('SIGINT');
    await proc.stop(10_000);
    throw e;
  }
  return {
    host, port,
    admin: async (sql) => {
      const db = /^\\c (\w+);\s*/.exec(sql);
      const client = new pg.Client({ host: dir.path, port, user: 'postgres', database: db?.[1] ?? 'postgres' });
      client.on('error', () => undefined);
      await client.connect();
      try { await client.query(db ? sql.slice(db[0].length) : sql); } finally { await client.end(); }
    },
    rows: async (sql) => {
      const client = new pg.Client({ host: dir.path, port, user: 'postgres', database: 'postgres' });
      client.on('error', () => undefined);
      await client.connect();
      try { return (await client.query(sql)).rows as unknown[]; } finally { await client.end(); }
    },
    // SIGINT is postgres' fast shutdown: it does not wait for clients to leave, as SIGTERM does.
    stop: async () => { proc.child.kill('SIGINT'); await proc.stop(10_000); },
    output: () => proc.output(),
  };
}
