import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';

/** SIP_OK is what the first response line must start with (ldirectord check_sip, L3617). */
export const SIP_OK = /^SIP\/2\.0 200 OK/;

/**
 * sipOptions renders the OPTIONS request exactly as ldirectord L3587-3601 does: CRLF line ends,
 * the local address and port in Via (bracketed when IPv6, as RFC 3261 writes hosts), the fixed
 * branch, tag and CSeq, and a Call-ID of 16 random hex digits. Via says UDP over TCP too, as the
 * original: servers answer it over the connection the request came in on anyway.
 */
export function sipOptions(login: string, localAddress: string, localPort: number, callId = randomBytes(8).toString('hex')): string {
  const host = isIP(localAddress) === 6 ? `[${localAddress}]` : localAddress;
  return [
    `OPTIONS sip:${login} SIP/2.0`,
    `Via: SIP/2.0/UDP ${host}:${localPort};branch=z9hG4bKhjhs8ass877`,
    'Max-Forwards: 70',
    `To: <sip:${login}>`,
    `From: <sip:${login}>;tag=1928301774`,
    `Call-ID: ${callId}`,
    'CSeq: 63104 OPTIONS',
    `Contact: <sip:${login}>`,
    'Accept: application/sdp',
    'Content-Length: 0',
    '', '',
  ].join('\r\n');
}

/** firstLine returns the status line of a response: up to the first LF, without CR (latin1). */
export function firstLine(data: Buffer): string {
  const text = data.toString('latin1');
  const nl = text.indexOf('\n');
  return (nl >= 0 ? text.slice(0, nl) : text).replace(/\r$/, '');
}
