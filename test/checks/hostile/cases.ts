/**
 * Hostile real servers, one per way a protocol can make a client read without end: endless
 * lines, endless multi-line replies, lying length fields, endless trailers, datagram floods.
 * Each case is a script (what the server writes, and when) plus the check that meets it and the
 * down message that check must give. The scripts run in a child process (server-main.ts) so
 * that the memory and event-loop lag measured in the test process are the checks' alone.
 */
import type { Socket } from 'node:net';
import type { CheckServiceName, CheckSpec } from '../../../src/checks/types.js';

/** TcpScript: what the server does on a connection; `data` is the client's first chunk ('data' only). */
export interface TcpScript {
  readonly transport: 'tcp';
  /** 'connect': the server speaks first (greetings); 'data': it answers the first request. */
  readonly on: 'connect' | 'data';
  run(s: Socket, data: Buffer): void;
}

/** UdpFlood: the server answers a datagram with a flood of `size`-byte datagrams. */
export interface UdpFlood {
  readonly transport: 'udp';
  readonly size: number;
}

export interface HostileCase {
  readonly name: string;
  readonly service: CheckServiceName;
  readonly protocol: 'tcp' | 'udp';
  readonly over?: Partial<CheckSpec>;
  readonly script: TcpScript | UdpFlood;
  /** The down message the check must give (with maxBytes = MAX_BYTES). */
  readonly message: RegExp;
}

/** MAX_BYTES is the byte bound of every hostile case: the default maxresponsebytes. */
export const MAX_BYTES = 1 << 20;

const EXCEEDS = new RegExp(`^response exceeds ${MAX_BYTES} bytes$`);

/** writeForever writes `block` again and again while the peer reads, until it goes away. */
export function writeForever(s: Socket, block: Buffer | string, first?: Buffer | string): void {
  s.on('error', () => undefined);
  // latin1: '\xff' in a script is one byte.
  if (first !== undefined && first.length > 0) s.write(typeof first === 'string' ? Buffer.from(first, 'latin1') : first);
  const buf = typeof block === 'string' ? Buffer.from(block, 'latin1') : block;
  const pump = (): void => {
    while (!s.destroyed && s.write(buf));
    if (!s.destroyed) s.once('drain', pump);
  };
  pump();
}

const repeat = (text: string, bytes = 64 * 1024): Buffer => Buffer.from(text.repeat(Math.ceil(bytes / text.length)));
const endless = (first: string, block: Buffer | string, on: 'connect' | 'data' = 'connect'): TcpScript => ({
  transport: 'tcp', on, run: (s) => writeForever(s, block, first),
});
const A = repeat('a');

export const CASES: readonly HostileCase[] = [
  {
    name: 'http: endless chunked trailers', service: 'http', protocol: 'tcp', over: { receive: 'never' },
    script: endless('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n', repeat('X-Trailer: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n'), 'data'),
    message: EXCEEDS,
  },
  {
    name: 'http: endless chunk-size line', service: 'http', protocol: 'tcp', over: { receive: 'never' },
    script: endless('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n', repeat('f'), 'data'),
    message: EXCEEDS,
  },
  {
    name: 'http: endless chunk-size line after a chunk', service: 'http', protocol: 'tcp', over: { receive: 'hello' },
    script: endless('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n', repeat('1'), 'data'),
    message: EXCEEDS,
  },
  {
    name: 'http_proxy: endless chunked trailers', service: 'http_proxy', protocol: 'tcp',
    over: { receive: 'never', request: 'http://upstream.test/' },
    script: endless('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n', repeat('X-Trailer: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n'), 'data'),
    // undici's own header bound (trailers count as headers) ends it first, or the budget does.
    message: /^(UND_ERR_HEADERS_OVERFLOW|HPE_HEADER_OVERFLOW|response exceeds \d+ bytes)$/,
  },
  {
    name: 'smtp: endless multi-line greeting', service: 'smtp', protocol: 'tcp',
    script: endless('', repeat('220-mail.test ESMTP still greeting\r\n')), message: EXCEEDS,
  },
  {
    name: 'smtp: endless line', service: 'smtp', protocol: 'tcp', script: endless('220 ', A), message: EXCEEDS,
  },
  {
    name: 'pop: endless line', service: 'pop', protocol: 'tcp', script: endless('+OK ', A), message: EXCEEDS,
  },
  {
    name: 'imap: endless untagged replies to LOGIN', service: 'imap', protocol: 'tcp', over: { login: 'u', passwd: 'p' },
    script: {
      transport: 'tcp', on: 'connect',
      run: (s) => {
        s.write('* OK IMAP4rev1 ready\r\n');
        s.once('data', () => writeForever(s, repeat('* 1 EXISTS\r\n')));
      },
    },
    message: EXCEEDS,
  },
  {
    name: 'nntp: endless greeting line', service: 'nntp', protocol: 'tcp', script: endless('', repeat('x')),
    // nntp judges the first 64 bytes (as the original); the flood may run the budget out first.
    message: /^greeting: x{64}$|^response exceeds \d+ bytes$/,
  },
  {
    name: 'ldap: lying BER length', service: 'ldap', protocol: 'tcp', over: { request: '/dc=test' },
    script: endless('', A, 'data'),
    message: EXCEEDS,
  },
  {
    name: 'dns (tcp): lying length prefixes, endless', service: 'dns', protocol: 'tcp', over: { request: '/host.test', receive: '.' },
    script: endless('\xff\xff', A, 'data'),
    message: EXCEEDS,
  },
  {
    name: 'dns (udp): datagram flood', service: 'dns', protocol: 'udp', over: { request: '/host.test', receive: '.' },
    script: { transport: 'udp', size: 8192 }, message: EXCEEDS,
  },
  {
    name: 'radius: datagram flood', service: 'radius', protocol: 'udp', over: { login: 'u', passwd: 'p', secret: 's' },
    script: { transport: 'udp', size: 8192 }, message: EXCEEDS,
  },
  {
    name: 'sip (tcp): endless status line', service: 'sip', protocol: 'tcp',
    script: endless('SIP/2.0 200 OK', A, 'data'), message: EXCEEDS,
  },
  {
    name: 'ftp: endless multi-line greeting', service: 'ftp', protocol: 'tcp',
    script: endless('', repeat('220-ftp.test still greeting\r\n')),
    // basic-ftp's own bound on one control reply (64 KiB) ends it first.
    message: /^connect: FTP control response exceeded maximum allowed size$/,
  },
  {
    name: 'ftp: endless line', service: 'ftp', protocol: 'tcp', script: endless('220 ', A), message: EXCEEDS,
  },
  {
    name: 'mysql: lying packet length', service: 'mysql', protocol: 'tcp', over: { login: 'u', request: '/SELECT 1' },
    // A 16 MiB - 1 packet length means "more packets follow": mysql2 keeps joining them.
    script: endless('\xff\xff\xff\x00', A),
    message: EXCEEDS,
  },
  {
    name: 'pgsql: lying message length', service: 'pgsql', protocol: 'tcp', over: { login: 'u', request: '/SELECT 1' },
    script: endless('R\x7f\xff\xff\xff', A, 'data'),
    message: EXCEEDS,
  },
  {
    name: 'simpletcp: endless line', service: 'simpletcp', protocol: 'tcp', over: { request: '/hello', receive: 'never' },
    script: endless('', A, 'connect'),
    message: new RegExp(`^no match in first ${MAX_BYTES} bytes$`),
  },
];

/** tnsFlood: valid 8-byte TNS headers (length 65535, type 6 = DATA) and filler, 16 packets a block. */
function tnsFlood(): Buffer {
  const packet = Buffer.alloc(0xffff, 0x61);
  packet.writeUInt16BE(0xffff, 0);
  packet[4] = 6;
  packet[5] = 0;
  return Buffer.concat(Array.from({ length: 16 }, () => packet));
}

/**
 * ORACLE_CASE is apart from CASES: oracledb (thin) opens its own socket, so no byte budget can
 * be put on it (docs/reliability.md); the check ends at its deadline, whatever the timeout.
 */
export const ORACLE_CASE: HostileCase = {
  name: 'oracle: endless TNS data packets', service: 'oracle', protocol: 'tcp',
  over: { login: 'u', passwd: 'p', database: 'XE', request: '/SELECT 1 FROM dual' },
  script: { transport: 'tcp', on: 'connect', run: (s) => writeForever(s, tnsFlood()) },
  message: /^timeout after \d+ ms$/,
};
