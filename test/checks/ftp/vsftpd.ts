/**
 * A real vsftpd for the ftp tests: standalone (listen=YES, background=NO), anonymous-only,
 * read-only, rooted in a temp dir holding files of known content, on 127.0.6.14.
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { startProcess, type ServerProcess } from '../../harness/proc.js';
import { freePort } from '../../harness/ports.js';
import type { TempDir } from '../../harness/tmp.js';

export const FTP_ADDR = '127.0.6.14';
/** FILES: served from the anonymous root; `big.bin` is larger than the tests' maxBytes. */
export const FILES: Readonly<Record<string, string>> = {
  'check.txt': 'ldirectord ftp check: all systems nominal\n',
  'big.bin': 'x'.repeat(200_000) + 'TAIL-MARKER',
};

/** startVsftpd writes the files and config and starts vsftpd in the foreground. */
export async function startVsftpd(dir: TempDir): Promise<{ proc: ServerProcess; port: number }> {
  const port = await freePort(FTP_ADDR);
  // vsftpd refuses a root (or chroot) the ftp user can write to; everything here is root-owned 0755.
  chmodSync(dir.path, 0o755);
  for (const d of ['root', 'empty']) { mkdirSync(dir.join(d)); chmodSync(dir.join(d), 0o755); }
  for (const [name, content] of Object.entries(FILES)) writeFileSync(dir.join('root', name), content, { mode: 0o644 });
  const conf = dir.join('vsftpd.conf');
  writeFileSync(conf, [
    'listen=YES', 'listen_ipv6=NO', `listen_address=${FTP_ADDR}`, `listen_port=${port}`, 'background=NO',
    'anonymous_enable=YES', 'no_anon_password=YES', `anon_root=${dir.join('root')}`,
    'local_enable=NO', 'write_enable=NO', 'pasv_enable=YES', `secure_chroot_dir=${dir.join('empty')}`,
    'seccomp_sandbox=NO', 'xferlog_enable=NO', `vsftpd_log_file=${dir.join('vsftpd.log')}`, 'ftp_username=ftp', '',
  ].join('\n'));
  const proc = await startProcess('vsftpd', [conf], { ready: { host: FTP_ADDR, port } });
  return { proc, port };
}
