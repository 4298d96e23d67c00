// Minimal types for unix-dgram 2.x (the package ships none): the calls log-syslog.ts and its
// tests use.
declare module 'unix-dgram' {
  import type { EventEmitter } from 'node:events';
  interface UnixDgramSocket extends EventEmitter {
    bind(path: string): void;
    connect(path: string): void;
    send(buf: Buffer, offset: number, length: number, path: string, cb?: (err?: Error) => void): void;
    close(): void;
  }
  const unixDgram: { createSocket(type: 'unix_dgram', listener?: (msg: Buffer) => void): UnixDgramSocket };
  export default unixDgram;
  export type { UnixDgramSocket };
}
