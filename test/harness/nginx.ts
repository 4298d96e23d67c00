/**
 * nginx as a real HTTP(S) server for tests: one foreground process (master_process off, so
 * stopping the pid stops everything), config, logs and temp paths all inside a temp dir.
 */
import { writeFileSync } from 'node:fs';
import { startProcess, type ServerProcess } from './proc.js';
import type { TempDir } from './tmp.js';

export interface NginxOptions {
  /** Directives placed inside `http { }`: the server blocks. */
  readonly http: string;
  /** An address nginx listens on; startNginx waits until it accepts connections. */
  readonly ready: { readonly host: string; readonly port: number };
  /** Keep the access log (off by default: it costs time in benchmarks). */
  readonly accessLog?: boolean;
  readonly workerConnections?: number;
}

/** nginxConfig renders the full nginx.conf for `opts`, rooted at `dir`. */
export function nginxConfig(dir: TempDir, opts: NginxOptions): string {
  const p = dir.path;
  return `
user root;
master_process off;
daemon off;
pid ${p}/nginx.pid;
error_log ${p}/error.log warn;
worker_rlimit_nofile 200000;
events { worker_connections ${opts.workerConnections ?? 4096}; }
http {
  access_log ${opts.accessLog ? `${p}/access.log` : 'off'};
  client_body_temp_path ${p}/client_body;
  proxy_temp_path ${p}/proxy;
  fastcgi_temp_path ${p}/fastcgi;
  uwsgi_temp_path ${p}/uwsgi;
  scgi_temp_path ${p}/scgi;
  default_type text/plain;
  ${opts.http}
}
`;
}

/** startNginx writes `<dir>/nginx.conf` and runs nginx in the foreground until stop(). */
export async function startNginx(dir: TempDir, opts: NginxOptions): Promise<ServerProcess> {
  const conf = dir.join('nginx.conf');
  writeFileSync(conf, nginxConfig(dir, opts));
  return startProcess('nginx', ['-p', dir.path, '-e', dir.join('error.log'), '-c', conf], { ready: opts.ready });
}
