/**
 * Type declarations for net-ping 1.2.4 (plain JavaScript, no types shipped): only the surface
 * ping.ts uses. The package loads a native addon (raw-socket) at import time.
 */
declare module 'net-ping' {
  import type { EventEmitter } from 'node:events';

  export const NetworkProtocol: { readonly IPv4: 1; readonly IPv6: 2 };

  export interface SessionOptions {
    networkProtocol?: 1 | 2;
    packetSize?: number;
    /** Re-sends after a timeout; total attempts = retries + 1. */
    retries?: number;
    sessionId?: number;
    timeout?: number;
    ttl?: number;
  }

  export interface Session extends EventEmitter {
    pingHost(target: string, callback: (error: Error | null, target: string, sent?: Date, rcvd?: Date) => void): this;
    close(): this;
  }

  export function createSession(options?: SessionOptions): Session;

  export class RequestTimedOutError extends Error {}
  export class DestinationUnreachableError extends Error { source: string }
}
