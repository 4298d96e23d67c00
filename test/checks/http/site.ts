/**
 * The nginx test site shared by the http, https and http_proxy tests: one nginx instance with
 * an http port, an https port (self-signed) and an IPv6 http port, all on loopback.
 */
import { openSync, writeSync, closeSync, writeFileSync } from 'node:fs';
import { freePort, makeTempDir, selfSignedCert, startNginx, type ServerProcess, type TempDir } from '../../harness/index.js';

export const SITE_HOST = '127.0.5.40';
export const VHOST = 'vhost.test';
/** Size of /huge; "Test Page" sits only in its last bytes. */
export const HUGE_BYTES = 20 * 1024 * 1024;

export interface Site {
  readonly dir: TempDir;
  readonly nginx: ServerProcess;
  readonly httpPort: number;
  readonly httpsPort: number;
  readonly v6Port: number;
  stop(): Promise<void>;
}

function writeHuge(path: string): void {
  const fd = openSync(path, 'w');
  const block = Buffer.alloc(1 << 20, 'a');
  for (let i = 0; i < HUGE_BYTES / block.length - 1; i++) writeSync(fd, block);
  const tail = Buffer.alloc(block.length, 'b');
  tail.write('Test Page', tail.length - 20);
  writeSync(fd, tail);
  closeSync(fd);
}

function locations(): string {
  return `
    absolute_redirect off;
    location = /redirect { return 302 /.testpage; }
    location = /redirect-chain { return 301 /redirect; }
    location = /loop { return 302 /loop; }
    location ~ "^/c/(x{0,6})$" { return 302 /c/$1x; }
    location = /c/xxxxxxx { return 200 "Test Page\n"; }
    location = /d/ { return 302 /c/; }
    location = /500 { return 500 "Test Page\\n"; }
    location = /404 { return 404 "Test Page\\n"; }
    location = /header { add_header X-Check "Test Page"; return 200 "nothing here\\n"; }
    location = /wrong { return 200 "Wrong content\\n"; }
    location = /host { return 200 "host=[$http_host]\\n"; }
    location = /ua { return 200 "ua=[$http_user_agent] conn=[$http_connection]\\n"; }
`;
}

/** startSite writes the docroot and config and starts nginx; stop() stops it and removes the dir. */
export async function startSite(): Promise<Site> {
  const dir = makeTempDir('http');
  const root = dir.join('');
  writeFileSync(dir.join('.testpage'), 'Test Page\n');
  writeHuge(dir.join('huge'));
  const cert = selfSignedCert(dir.path, VHOST, [SITE_HOST]);
  const httpPort = await freePort(SITE_HOST);
  const httpsPort = await freePort(SITE_HOST);
  const v6Port = await freePort('::1');
  const http = `
  server {
    listen ${SITE_HOST}:${httpPort} default_server;
    listen [::1]:${v6Port} default_server;
    listen ${SITE_HOST}:${httpsPort} ssl default_server;
    ssl_certificate ${cert.cert};
    ssl_certificate_key ${cert.key};
    server_name _;
    root ${root};
    ${locations()}
  }
  server {
    listen ${SITE_HOST}:${httpPort};
    listen ${SITE_HOST}:${httpsPort} ssl;
    ssl_certificate ${cert.cert};
    ssl_certificate_key ${cert.key};
    server_name ${VHOST};
    location = /vhost.html { return 200 "VHost Page\\n"; }
  }`;
  const nginx = await startNginx(dir, { http, ready: { host: SITE_HOST, port: httpPort } });
  return {
    dir, nginx, httpPort, httpsPort, v6Port,
    async stop() { await nginx.stop(); dir.remove(); },
  };
}
