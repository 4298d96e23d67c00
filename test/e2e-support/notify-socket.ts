/**
 * A stand-in for systemd's notification socket: a bound unix datagram socket that records every
 * sd_notify message, and a way to start `ldirectord ... start` as the unit's main process would
 * be ($NOTIFY_SOCKET set and $SYSTEMD_EXEC_PID equal to its own pid, as systemd >= 248 sets it).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import unix from 'unix-dgram';

/** NotifyMessage is one datagram, split into its KEY=VALUE lines, with what `onMessage` saw then. */
export interface NotifyMessage<T> {
  readonly fields: Readonly<Record<string, string>>;
  readonly seen: T;
}

/** NotifySocket records the messages; `seen` is taken when each arrives (e.g. the IPVS table). */
export class NotifySocket<T = undefined> {
  readonly dir = mkdtempSync(join(tmpdir(), 'ld-notify-'));
  readonly path = join(this.dir, 'notify');
  readonly messages: NotifyMessage<T>[] = [];
  private readonly sock;

  constructor(onMessage: (fields: Record<string, string>) => T | Promise<T>) {
    this.sock = unix.createSocket('unix_dgram', (buf: Buffer) => {
      const fields: Record<string, string> = {};
      for (const line of buf.toString().split('\n')) {
        const i = line.indexOf('=');
        if (i > 0) fields[line.slice(0, i)] = line.slice(i + 1);
      }
      // Recorded once `seen` is known, in arrival order.
      const slot = this.messages.length;
      this.messages.push({ fields, seen: undefined as T });
      void Promise.resolve(onMessage(fields)).then((seen) => { this.messages[slot] = { fields, seen }; });
    });
    this.sock.bind(this.path);
  }

  /** has tells whether a message with KEY=VALUE arrived (from index `from` on). */
  has(key: string, value = '1', from = 0): boolean {
    return this.messages.slice(from).some((m) => m.fields[key] === value);
  }

  close(): void {
    this.sock.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** spawnAsUnitMain starts `bin args` with NOTIFY_SOCKET and SYSTEMD_EXEC_PID=<its pid>. */
export function spawnAsUnitMain(bin: string, args: readonly string[], notifySocket: string, env: NodeJS.ProcessEnv): ChildProcess {
  return spawn('sh', ['-c', 'SYSTEMD_EXEC_PID=$$ exec "$0" "$@"', bin, ...args], {
    env: { ...env, NOTIFY_SOCKET: notifySocket }, stdio: ['ignore', 'pipe', 'pipe'],
  });
}
