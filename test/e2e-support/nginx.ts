/**
 * nginx real servers for the end-to-end tests, the demo and the engine benchmark: one nginx
 * (Debian's nginx-light) per call, in the foreground as a child process, with a throwaway config
 * in `dir`. Each site has its own document root, so one real can be failed (its page removed or
 * changed) while the others keep answering. `netns` runs it inside a network namespace.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { waitForPort } from './wait.js';

/** Site is one listen address with its document root. */
export interface Site {
  readonly address: string;
  readonly port: number;
  readonly root: string;
}

/** NginxOptions: where the config and logs go, which sites, and optionally a namespace. */
export interface NginxOptions {
  readonly dir: string;
  readonly sites: readonly Site[];
  readonly netns?: string;
  /** Worker processes (default 1; the guest has one CPU). */
  readonly workers?: number;
  /** Log every request as `<epoch seconds.ms> <server address>` to <dir>/access.log (benchmarks count checks). */
  readonly accessLog?: boolean;
  /** Keep idle client connections this long, before their first request too (default 0: one request per connection). */
  readonly keepaliveS?: number;
}

/** Nginx is a running instance; stop() ends it gracefully, kill() abruptly (a dying real). */
export interface Nginx {
  readonly pid: number;
  stop(): Promise<void>;
  kill(): Promise<void>;
}

/** renderNginxConf renders the throwaway config (pure, for tests of the helper itself). */
export function renderNginxConf(dir: string, sites: readonly Site[], workers = 1, accessLog = false, keepaliveS = 0): string {
  const servers = sites.map((s) => [
    '  server {',
    `    listen ${s.address.includes(':') ? `[${s.address}]` : s.address}:${s.port};`,
    `    root ${s.root};`,
    '    location / { }',
    '  }',
  ].join('\n'));
  return [
    // The guest's hostfs files belong to root; workers as www-data could not read a root-only tree.
    'user root;',
    `worker_processes ${workers};`,
    // Benchmarks listen on a thousand addresses, each site a socket (plus its connections).
    `worker_rlimit_nofile ${Math.max(4096, sites.length * 16)};`,
    'daemon off;',
    `pid ${dir}/nginx.pid;`,
    `error_log ${dir}/error.log;`,
    `events { worker_connections ${Math.max(256, sites.length * 8)}; }`,
    'http {',
    ...(accessLog
      ? ["  log_format stamp '$msec $server_addr';", `  access_log ${dir}/access.log stamp buffer=64k flush=1s;`]
      : ['  access_log off;']),
    '  default_type text/plain;',
    `  keepalive_timeout ${keepaliveS};`,
    // An idle connection that has sent no request yet is closed after client_header_timeout (60 s):
    // the director pair holds one across a failover, so it gets the same time.
    ...(keepaliveS > 0 ? [`  client_header_timeout ${keepaliveS};`] : []),
    `  client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy;`,
    `  fastcgi_temp_path ${dir}/fastcgi; uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;`,
    ...servers,
    '}',
    '',
  ].join('\n');
}

/** writeTestPage writes `.testpage` with `content` under a site's root (creating it). */
export function writeTestPage(root: string, content = 'Test Page\n'): void {
  mkdirSync(root, { recursive: true });
  writeFileSync(join(root, '.testpage'), content);
}

/** startNginx starts nginx and resolves once every site accepts connections. */
export async function startNginx(opts: NginxOptions): Promise<Nginx> {
  mkdirSync(opts.dir, { recursive: true });
  for (const s of opts.sites) mkdirSync(s.root, { recursive: true });
  const conf = join(opts.dir, 'nginx.conf');
  writeFileSync(conf, renderNginxConf(opts.dir, opts.sites, opts.workers, opts.accessLog, opts.keepaliveS));
  const argv = ['-e', join(opts.dir, 'error.log'), '-p', opts.dir, '-c', conf];
  const child: ChildProcess = opts.netns
    ? spawn('ip', ['netns', 'exec', opts.netns, 'nginx', ...argv], { stdio: ['ignore', 'ignore', 'pipe'], detached: true })
    : spawn('nginx', argv, { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => { stderr += d.toString(); });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let dead = false;
  void exited.then(() => { dead = true; });
  // Own process group: killing only the master would leave its worker serving (a real that
  // "died" but still answers); SIGKILL goes to the whole group.
  const signal = (sig: NodeJS.Signals): void => {
    try { process.kill(sig === 'SIGKILL' ? -child.pid! : child.pid!, sig); } catch { /* gone */ }
  };
  const end = async (sig: NodeJS.Signals): Promise<void> => {
    if (dead) return;
    signal(sig);
    const t = setTimeout(() => signal('SIGKILL'), 10_000);
    await exited;
    clearTimeout(t);
  };
  try {
    // In a namespace the host cannot reach the sites; the caller checks readiness there.
    if (!opts.netns) {
      for (const s of opts.sites) {
        await waitForPort(s.address, s.port, 30_000, () => (dead ? `nginx exited: ${stderr.trim()}` : undefined));
      }
    }
  } catch (e) {
    await end('SIGKILL');
    throw e;
  }
  return {
    pid: child.pid ?? 0,
    // QUIT = graceful shutdown; TERM = fast shutdown, workers drop their connections.
    stop: () => end('SIGQUIT'),
    kill: () => end('SIGKILL'),
  };
}
