/**
 * RawSocket is the one seam between the transport and native code: a datagram socket on
 * NETLINK_GENERIC. The default implementation wraps the `netlink` package's RawNetlinkSocket
 * (its lowest layer only: no NetlinkSocket/GenericNetlinkSocket, whose listeners could throw
 * inside a libuv callback and abort the process; see docs/ipvs.md "Transport").
 * Tests inject a fake through OpenIpvsOptions.socketFactory.
 */
import { NETLINK_GENERIC } from './constants.js';
import { IpvsError } from '../util/errors.js';

/** RawSocket is a connected-to-the-kernel netlink datagram socket. Methods must not throw. */
export interface RawSocket {
  /** send writes one datagram (many netlink messages); cb runs exactly once, later. */
  send(datagram: Buffer, cb: (err?: Error) => void): void;
  close(): void;
  /** ref/unref keep (or stop keeping) the event loop alive while replies are due. */
  ref(): void;
  unref(): void;
  /** setRecvBufferSize asks for SO_RCVBUF (the kernel caps it at net.core.rmem_max); returns what it got. */
  setRecvBufferSize(bytes: number): number;
}

/** RawSocketEvents are the transport's handlers; the socket calls them, never anything else. */
export interface RawSocketEvents {
  onMessage(datagram: Buffer): void;
  onError(err: Error): void;
}

/** RawSocketFactory opens a socket (it may throw: the transport turns that into LD_ERR_NETLINK_CLOSED). */
export type RawSocketFactory = (events: RawSocketEvents) => RawSocket | Promise<RawSocket>;

// Every callback that native code calls into is guarded: an exception escaping one of them
// reaches a libuv callback and aborts the process (netlink pitfall 3).
const guard = (fn: () => void): void => { try { fn(); } catch { /* nothing may escape into libuv */ } };

/**
 * netlinkPackageSocket opens a NETLINK_GENERIC socket with the `netlink` package (loaded lazily,
 * so importing the driver never loads the addon). No peeking: one recvmsg per datagram with a
 * 32 KiB buffer, the size the kernel fills dump datagrams up to.
 */
export const netlinkPackageSocket: RawSocketFactory = async (events) => {
  // The package's index also loads its generated nl80211/rtnetlink/wireguard tables (1.6 MB of
  // JS, about 5x the load time); only the raw socket layer is used.
  const { RawNetlinkSocket } = await import('netlink/dist/raw.js');
  const raw = new RawNetlinkSocket(NETLINK_GENERIC, { messagePeeking: false, msgBufferSize: 32768 } as ConstructorParameters<typeof RawNetlinkSocket>[1]);
  raw.on('message', (msg) => guard(() => events.onMessage(msg)));
  raw.on('truncatedMessage', () => guard(() => events.onError(new IpvsError('LD_ERR_NETLINK_MALFORMED', 'netlink datagram truncated'))));
  raw.on('error', (err) => guard(() => events.onError(err)));
  raw.on('close', () => {});
  let open = true;
  return {
    send(datagram, cb) {
      const done = (err?: Error): void => guard(() => cb(err));
      try {
        raw.send(datagram, {}, done);
      } catch (e) {
        queueMicrotask(() => done(e instanceof Error ? e : new IpvsError('LD_ERR_NETLINK_CLOSED', String(e))));
      }
    },
    close() { if (open) { open = false; guard(() => raw.close()); } },
    ref() { if (open) guard(() => raw.ref()); },
    unref() { if (open) guard(() => raw.unref()); },
    setRecvBufferSize(bytes) {
      guard(() => raw.setRecvBufferSize(bytes));
      let got = 0;
      guard(() => { got = raw.getRecvBufferSize(); });
      return got;
    },
  };
};
