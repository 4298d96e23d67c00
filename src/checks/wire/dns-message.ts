import { isIP } from 'node:net';
import { randomInt } from 'node:crypto';
import * as dnsPacket from 'dns-packet';

/** DnsQuery is one question the dns check asks, with the random id its answer must carry. */
export interface DnsQuery {
  readonly id: number;
  readonly type: 'A' | 'AAAA' | 'PTR';
  readonly name: string;
  readonly packet: Buffer;
}

/** DnsAnswer is what one response said: its rcode and the A/AAAA addresses and PTR names in it. */
export interface DnsAnswer {
  readonly rcode: string;
  readonly values: readonly string[];
}

/**
 * reverseName gives the PTR owner name of an IP address: d.c.b.a.in-addr.arpa, or the 32
 * nibbles of an IPv6 address reversed under ip6.arpa.
 */
export function reverseName(ip: string): string {
  if (isIP(ip) === 4) return `${ip.split('.').reverse().join('.')}.in-addr.arpa`;
  return `${expandIpv6(ip).split('').reverse().join('.')}.ip6.arpa`;
}

/** expandIpv6 writes an IPv6 address as 32 hex digits (an embedded dotted quad included). */
export function expandIpv6(ip: string): string {
  let text = ip.toLowerCase();
  const quad = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (quad) {
    const [a, b, c, d] = quad.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, quad.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const fill = tail === undefined ? [] : new Array<string>(8 - left.length - right.length).fill('0');
  return [...left, ...fill, ...right].map((g) => g.padStart(4, '0')).join('');
}

/**
 * buildQueries turns a dns check's request (already without its leading "/") into questions.
 * An IP address asks for its PTR, as Net::DNS::Resolver::search does. A name asks for both A
 * and AAAA: the original knew only A (reference §5), so AAAA is an extension and an A-only
 * server behaves exactly as before. No resolv.conf search domains are appended, unlike
 * Net::DNS: a health check must not depend on the director's own resolver configuration.
 */
export function buildQueries(request: string, rand: (max: number) => number = randomInt): DnsQuery[] {
  const types: Array<DnsQuery['type']> = isIP(request) ? ['PTR'] : ['A', 'AAAA'];
  const name = isIP(request) ? reverseName(request) : request.replace(/\.$/, '');
  const ids = new Set<number>();
  return types.map((type) => {
    let id = rand(0x10000);
    while (ids.has(id)) id = (id + 1) & 0xffff;
    ids.add(id);
    const packet = dnsPacket.encode({
      type: 'query', id, flags: dnsPacket.RECURSION_DESIRED, questions: [{ type, name, class: 'IN' }],
    });
    return { id, type, name, packet };
  });
}

/**
 * matchResponse decodes `buf` and returns its answer if it is the response to `query`: same id,
 * the QR bit set and the same question (names compared case-insensitively). Anything else,
 * garbage included, is not an answer to this query and yields undefined.
 */
export function matchResponse(buf: Buffer, query: DnsQuery): DnsAnswer | undefined {
  let packet: dnsPacket.DecodedPacket;
  try {
    packet = dnsPacket.decode(buf);
  } catch {
    return undefined;
  }
  if (packet.id !== query.id || packet.type !== 'response') return undefined;
  const q = packet.questions?.[0];
  if (packet.questions?.length !== 1 || q === undefined) return undefined;
  if (q.type !== query.type || q.name.toLowerCase() !== query.name.toLowerCase()) return undefined;
  const values: string[] = [];
  for (const a of packet.answers ?? []) {
    // Only the record types the original looked at (plus AAAA) count; a CNAME on the way is skipped.
    if ((a.type === 'A' || a.type === 'AAAA' || a.type === 'PTR') && typeof a.data === 'string') {
      values.push(a.data);
    }
  }
  const rcode = (packet as { rcode?: unknown }).rcode;
  return { rcode: typeof rcode === 'string' ? rcode : 'NOERROR', values };
}

/** queryIdOf reads the id of a DNS message without decoding it (undefined when too short). */
export function queryIdOf(buf: Buffer): number | undefined {
  return buf.length >= 2 ? buf.readUInt16BE(0) : undefined;
}
