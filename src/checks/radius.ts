import { createHash, createHmac, randomInt, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import radius from 'radius';
import type { CheckFn, SpecOf } from './types.js';
import { errorText } from './lib/result.js';
import { connectUdp, targetPort } from './lib/socket.js';
import { down, up, withDeadline, type Outcome } from './lib/deadline.js';

/** RADIUS_PORT is the authentication port when nothing else is configured (RFC 2865). */
const RADIUS_PORT = 1812;

/**
 * check is the radius negotiate check (ldirectord check_radius, L3303, via Authen::Radius
 * check_pwd): an Access-Request with User-Name=login, User-Password=passwd (hidden with the
 * secret), NAS-IP-Address = the local socket's address (NAS-IPv6-Address over IPv6), and a
 * Message-Authenticator (RFC 3579; servers hardened against BlastRADIUS want it). Up only on an
 * Access-Accept whose Response-Authenticator (and Message-Authenticator) verify with the secret;
 * Access-Reject, Access-Challenge, a forged answer or silence until the deadline are down. The
 * request is retransmitted unchanged (same identifier and authenticator) every third of the
 * timeout, as a RADIUS client does on a lossy path; the original sent it once.
 */
export const check: CheckFn<SpecOf<'login' | 'passwd' | 'secret'>> = (spec, signal, ctx) => withDeadline(spec.timeoutMs, signal, (d) => new Promise<Outcome>((resolve, reject) => {
  const v6 = isIP(spec.realAddress) === 6;
  let timer: NodeJS.Timeout | undefined;
  d.defer(() => clearInterval(timer));
  const identifier = randomInt(256);
  let request: Buffer | undefined;
  const message = (msg: Buffer): void => {
    if (request === undefined || msg.length < 20 || msg[1] !== identifier) return;
    const outcome = judge(request, msg, spec.secret);
    if (outcome) resolve(outcome);
  };
  connectUdp(spec.realAddress, targetPort(spec, RADIUS_PORT), d, { error: reject, message, connected: (socket) => {
    try {
      request = radius.encode({
        code: 'Access-Request', secret: spec.secret, identifier, add_message_authenticator: true,
        attributes: [
          ['User-Name', spec.login],
          ['User-Password', spec.passwd],
          [v6 ? 'NAS-IPv6-Address' : 'NAS-IP-Address', socket.address().address],
        ],
      });
    } catch (e) {
      resolve(down(`cannot encode Access-Request: ${errorText(e)}`));
      return;
    }
    const send = (): void => socket.send(request as Buffer, (err) => { if (err) reject(err); });
    send();
    timer = setInterval(send, Math.max(250, Math.floor(spec.timeoutMs / 3)));
  } });
}), { maxBytes: spec.maxBytes, ctx });

/**
 * judge decides on one datagram carrying our identifier: undefined when it does not verify
 * (a stale or forged answer is ignored, the deadline still runs), else the outcome by code.
 */
function judge(request: Buffer, response: Buffer, secret: string): Outcome | undefined {
  if (!authentic(request, response, secret)) return undefined;
  try {
    const { code } = radius.decode({ packet: response, secret });
    return code === 'Access-Accept' ? up(code) : down(code);
  } catch {
    return undefined;
  }
}

const MESSAGE_AUTHENTICATOR = 80;

/**
 * authentic checks the Response-Authenticator, MD5(code+id+length+request authenticator+
 * attributes+secret) (RFC 2865 3), and a Message-Authenticator when the response has one
 * (RFC 3579 3.2). The radius package's verify_response insists on the latter whenever the
 * request carried one, which servers before the BlastRADIUS fixes (FreeRADIUS 3.2.1) never send.
 */
export function authentic(request: Buffer, response: Buffer, secret: string): boolean {
  if (response.length < 20) return false;
  const length = response.readUInt16BE(2);
  if (length < 20 || length > response.length) return false;
  const packet = Buffer.from(response.subarray(0, length));
  const got = Buffer.from(packet.subarray(4, 20));
  request.copy(packet, 4, 4, 20);
  const want = createHash('md5').update(packet).update(secret).digest();
  if (!timingSafeEqual(got, want)) return false;
  for (let off = 20; off + 2 <= length;) {
    const type = packet[off] as number;
    const len = packet[off + 1] as number;
    if (len < 2 || off + len > length) return false;
    if (type === MESSAGE_AUTHENTICATOR) {
      if (len !== 18) return false;
      const ma = Buffer.from(packet.subarray(off + 2, off + 18));
      packet.fill(0, off + 2, off + 18);
      return timingSafeEqual(ma, createHmac('md5', secret).update(packet).digest());
    }
    off += len;
  }
  return true;
}
