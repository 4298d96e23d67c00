/** tinyproxy as a real forward HTTP proxy for tests, with a throwaway config in a temp dir. */
import { writeFileSync } from 'node:fs';
import { startProcess, type ServerProcess } from './proc.js';
import type { TempDir } from './tmp.js';

/** startTinyproxy runs tinyproxy in the foreground on host:port, allowing loopback clients only. */
export async function startTinyproxy(dir: TempDir, host: string, port: number): Promise<ServerProcess> {
  const conf = dir.join('tinyproxy.conf');
  writeFileSync(conf, [
    `Port ${port}`,
    `Listen ${host}`,
    'Timeout 30',
    `LogFile "${dir.join('tinyproxy.log')}"`,
    'LogLevel Info',
    `PidFile "${dir.join('tinyproxy.pid')}"`,
    'MaxClients 200',
    'Allow 127.0.0.0/8',
    'DisableViaHeader Yes',
    '',
  ].join('\n'));
  return startProcess('tinyproxy', ['-d', '-c', conf], { ready: { host, port } });
}
