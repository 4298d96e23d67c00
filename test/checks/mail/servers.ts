/**
 * Real mail servers for the check tests: exim4 (SMTP) and dovecot (POP3/IMAP, plain + TLS),
 * each one foreground process with a throwaway config in a temp dir, on 127.0.6.x loopback.
 */
import { chmodSync, chownSync, mkdirSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { Socket } from 'node:net';
import { startProcess, type ServerProcess } from '../../harness/proc.js';
import { freePort } from '../../harness/ports.js';
import { selfSignedCert } from '../../harness/certs.js';
import type { TempDir } from '../../harness/tmp.js';

/** EXIM_ADDR: normal; EXIM_DENY: 550 greeting; EXIM_NOEHLO: EHLO refused (HELO ok); EXIM_NOHELO: both refused. */
export const EXIM_ADDR = '127.0.6.1';
export const EXIM_DENY = '127.0.6.2';
export const EXIM_NOEHLO = '127.0.6.3';
export const EXIM_NOHELO = '127.0.6.4';

/** REFUSED_HELO is the one EHLO/HELO name exim refuses (proves the check sends ctx.hostname). */
export const REFUSED_HELO = 'refused-name.invalid';

/** EximServer: one exim daemon listening on `smtpPort` and `submissionPort` on all four addresses. */
export interface EximServer { readonly proc: ServerProcess; readonly smtpPort: number; readonly submissionPort: number }

function uidOf(user: string): { uid: number; gid: number } {
  return {
    uid: Number(execFileSync('id', ['-u', user]).toString().trim()),
    gid: Number(execFileSync('id', ['-g', user]).toString().trim()),
  };
}

/** startExim runs `exim4 -bdf` (foreground daemon) with a config whose ACLs give each address its behaviour. */
export async function startExim(dir: TempDir): Promise<EximServer> {
  const [smtpPort, submissionPort] = [await freePort(EXIM_ADDR), await freePort(EXIM_ADDR)];
  chmodSync(dir.path, 0o755);
  // exim writes logs and spool as its own user even when started by root.
  const exim = uidOf('Debian-exim');
  for (const d of ['spool', 'log']) { mkdirSync(dir.join(d)); chownSync(dir.join(d), exim.uid, exim.gid); }
  const conf = dir.join('exim.conf');
  writeFileSync(conf, `
primary_hostname = mx.test.invalid
local_interfaces = <; ${EXIM_ADDR} ; ${EXIM_DENY} ; ${EXIM_NOEHLO} ; ${EXIM_NOHELO}
spool_directory = ${dir.join('spool')}
log_file_path = ${dir.join('log')}/%slog
pid_file_path = ${dir.join('exim.pid')}
keep_environment =
tls_advertise_hosts =
acl_smtp_connect = acl_conn
acl_smtp_helo = acl_helo
begin acl
acl_conn:
  deny condition = \${if eq{$received_ip_address}{${EXIM_DENY}}}
       message = go away
  accept
acl_helo:
  deny condition = \${if and{{eq{$received_ip_address}{${EXIM_NOEHLO}}}{match{$smtp_command}{\\N^(?i)ehlo\\N}}}}
       message = no ESMTP here
  deny condition = \${if eq{$received_ip_address}{${EXIM_NOHELO}}}
       message = no HELO either
  deny condition = \${if eq{$sender_helo_name}{${REFUSED_HELO}}}
       message = bad name $sender_helo_name
  accept
`);
  const proc = await startProcess('exim4', ['-bdf', '-oX', `${smtpPort}:${submissionPort}`, '-C', conf], {
    ready: { host: EXIM_ADDR, port: smtpPort },
  });
  return { proc, smtpPort, submissionPort };
}

/** DOVECOT_ADDR is dovecot's address; USER/PASS the one passwd-file account. */
export const DOVECOT_ADDR = '127.0.6.5';
export const MAIL_USER = 'alice';
export const MAIL_PASS = 's3cr"et\\x';

/** DovecotServer: one dovecot with pop3, pop3s, imap and imaps listeners. */
export interface DovecotServer {
  readonly proc: ServerProcess;
  readonly ports: { readonly pop: number; readonly pops: number; readonly imap: number; readonly imaps: number };
}

/** startDovecot runs `dovecot -F` with a passwd-file user and a self-signed certificate. */
export async function startDovecot(dir: TempDir): Promise<DovecotServer> {
  const h = DOVECOT_ADDR;
  const ports = { pop: await freePort(h), pops: await freePort(h), imap: await freePort(h), imaps: await freePort(h) };
  // Login processes run unprivileged and must traverse the temp dir.
  chmodSync(dir.path, 0o755);
  mkdirSync(dir.join('mail'), { mode: 0o777 });
  chmodSync(dir.join('mail'), 0o777);
  const cert = selfSignedCert(dir.path, 'mail.test.invalid', [h]);
  writeFileSync(dir.join('passwd'), `${MAIL_USER}:{PLAIN}${MAIL_PASS}\n`);
  const conf = dir.join('dovecot.conf');
  writeFileSync(conf, `
base_dir = ${dir.join('run')}
state_dir = ${dir.join('state')}
log_path = ${dir.join('dovecot.log')}
protocols = imap pop3
listen = ${h}
ssl = yes
ssl_cert = <${cert.cert}
ssl_key = <${cert.key}
disable_plaintext_auth = no
auth_failure_delay = 0
# anvil delays every later login from an IP after a failed one (auth penalty: 2, 4, 8.. s),
# which would make each bad-login test slow down the next. Unreachable anvil = no penalty.
service anvil {
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}
mail_location = maildir:${dir.join('mail')}/%u
passdb {
  driver = passwd-file
  args = scheme=PLAIN ${dir.join('passwd')}
}
userdb {
  driver = static
  args = uid=nobody gid=nogroup home=${dir.join('mail')}/%u
}
service imap-login {
  inet_listener imap {
    port = ${ports.imap}
  }
  inet_listener imaps {
    port = ${ports.imaps}
    ssl = yes
  }
}
service pop3-login {
  inet_listener pop3 {
    port = ${ports.pop}
  }
  inet_listener pop3s {
    port = ${ports.pops}
    ssl = yes
  }
}
`);
  const proc = await startProcess('dovecot', ['-F', '-c', conf], { ready: { host: h, port: ports.pop } });
  try {
    await waitForGreeting(h, ports.pop, /^\+OK .*Dovecot/);
  } catch (e) {
    await proc.stop();
    throw e;
  }
  return { proc, ports };
}

/**
 * waitForGreeting polls until a fresh connection greets with `re`: dovecot accepts before its
 * auth process is up and then greets "Waiting for authentication process", which is not ready.
 */
export async function waitForGreeting(host: string, port: number, re: RegExp, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const line = await new Promise<string>((resolve) => {
      const s = new Socket();
      let buf = '';
      const done = (v: string): void => { s.destroy(); resolve(v); };
      s.setTimeout(1000, () => done(buf));
      s.on('error', () => done(''));
      s.on('data', (d) => { buf += d.toString(); if (buf.includes('\n')) done(buf); });
      s.connect({ host, port });
    });
    if (re.test(line)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${host}:${port} never greeted with ${re}`);
}
