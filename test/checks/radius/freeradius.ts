/**
 * FreeRADIUS 3 as a real server for the radius check tests: a minimal config written from
 * scratch into a temp dir (one client for all of 127/8, the `files` users file and PAP), run in
 * the foreground with -X so stopping the pid stops everything. Ready when it says so.
 */
import { writeFileSync } from 'node:fs';
import { startProcess, type ServerProcess, type TempDir } from '../../harness/index.js';
import { waitFor } from '../dns/udp.js';

export interface RadiusOptions {
  readonly host: string;
  readonly port: number;
  readonly secret: string;
  /** Users as name -> cleartext password. */
  readonly users: Readonly<Record<string, string>>;
}

/** radiusdConf renders radiusd.conf for `opts`, every path inside `dir`. */
export function radiusdConf(dir: string, opts: RadiusOptions): string {
  return `
prefix = /usr
exec_prefix = /usr
sysconfdir = /etc
localstatedir = /var
sbindir = /usr/sbin
logdir = ${dir}
raddbdir = ${dir}
radacctdir = ${dir}
name = freeradius
confdir = ${dir}
modconfdir = ${dir}
run_dir = ${dir}
db_dir = ${dir}
libdir = /usr/lib/freeradius
pidfile = ${dir}/radiusd.pid
max_request_time = 5
cleanup_delay = 1
max_requests = 1024
hostname_lookups = no
log {
  destination = stdout
}
security {
  allow_core_dumps = no
  max_attributes = 200
  reject_delay = 0
  status_server = no
}
thread pool {
  start_servers = 1
  max_servers = 2
  min_spare_servers = 1
  max_spare_servers = 2
}
client loopback {
  ipaddr = 127.0.0.0/8
  secret = ${opts.secret}
  require_message_authenticator = yes
}
modules {
  pap {
  }
  files {
    filename = ${dir}/users
  }
}
server default {
  listen {
    type = auth
    ipaddr = ${opts.host}
    port = ${opts.port}
  }
  authorize {
    files
    pap
  }
  authenticate {
    Auth-Type PAP {
      pap
    }
  }
}
`;
}

/** startFreeradius writes the config into `dir` and runs `freeradius -X` until stop(). */
export async function startFreeradius(dir: TempDir, opts: RadiusOptions): Promise<ServerProcess> {
  writeFileSync(dir.join('radiusd.conf'), radiusdConf(dir.path, opts));
  writeFileSync(dir.join('dictionary'), '');
  writeFileSync(dir.join('users'), Object.entries(opts.users)
    .map(([name, pass]) => `${name} Cleartext-Password := "${pass}"\n`).join(''));
  const proc = await startProcess('freeradius', ['-X', '-d', dir.path], { cwd: dir.path });
  try {
    await waitFor('freeradius', async () => {
      if (proc.child.exitCode !== null) throw new Error(`freeradius exited:\n${proc.output()}`);
      return proc.output().includes('Ready to process requests');
    });
  } catch (e) {
    await proc.stop();
    throw e;
  }
  return proc;
}
