/**
 * systemd readiness notification (sd_notify(3)) for `Type=notify` units: datagrams such as
 * "READY=1\nMAINPID=123" sent to the unix socket named by $NOTIFY_SOCKET. Node has no unix
 * datagram sockets; this uses `unix-dgram`, as the syslog logger does. Best effort by design: a
 * lost notification must never take the daemon down (systemd then times the start out itself).
 */
import { DaemonError } from '../util/errors.js';

/** SystemdNotifier sends state lines ("READY=1", "STOPPING=1", ...) to the service manager. */
export interface SystemdNotifier {
  notify(state: string): void;
  close(): void;
}

/**
 * systemdNotifySocket returns $NOTIFY_SOCKET when systemd started THIS process as the unit's main
 * process ($SYSTEMD_EXEC_PID is our pid, systemd >= 248): a NOTIFY_SOCKET merely inherited from a
 * Type=notify ancestor (a cluster manager run as a unit, say) must not turn `start` into a
 * foreground daemon.
 */
export function systemdNotifySocket(env: NodeJS.ProcessEnv, pid: number): string | undefined {
  const socket = env.NOTIFY_SOCKET;
  if (!socket || env.SYSTEMD_EXEC_PID !== String(pid)) return undefined;
  return socket;
}

/** openSystemdNotifier opens the sending socket (an abstract "@name" socket is not supported by unix-dgram). */
export async function openSystemdNotifier(socketPath: string, onError: (message: string) => void): Promise<SystemdNotifier> {
  if (!socketPath.startsWith('/')) {
    throw new DaemonError('LD_ERR_DAEMON', `NOTIFY_SOCKET ${socketPath}: only socket paths are supported, not abstract sockets`);
  }
  const unix = (await import('unix-dgram')).default;
  const sock = unix.createSocket('unix_dgram');
  sock.on('error', () => {});
  let closed = false;
  return {
    notify(state) {
      if (closed) return;
      const buf = Buffer.from(state);
      sock.send(buf, 0, buf.length, socketPath, (err) => {
        if (err) onError(`Can not notify systemd (${state.split('\n')[0]}) via ${socketPath}: ${err.message}`);
      });
    },
    close() {
      if (!closed) { closed = true; sock.close(); }
    },
  };
}
