/**
 * IP address text <-> bytes for the codec and renderers. Formatting follows glibc inet_ntop,
 * because ipvsadm prints addresses with it and the renderers must be byte-identical.
 */
import { isIPv4, isIPv6 } from 'node:net';
import { IpvsError } from '../util/errors.js';
import type { IpvsFamily } from './types.js';

/** parseIPv4 returns the 4 network-order bytes of a dotted quad. */
export function parseIPv4(s: string): Buffer {
  if (!isIPv4(s)) throw new IpvsError('LD_ERR_IPVS_INVALID', `not an IPv4 address: ${s}`);
  return Buffer.from(s.split('.').map(Number));
}

/** parseIPv6 returns the 16 network-order bytes of an IPv6 address (with :: and a dotted tail). */
export function parseIPv6(s: string): Buffer {
  if (!isIPv6(s) || s.includes('%')) throw new IpvsError('LD_ERR_IPVS_INVALID', `not an IPv6 address: ${s}`);
  let text = s;
  const tail: number[] = [];
  const lastColon = text.lastIndexOf(':');
  if (text.slice(lastColon + 1).includes('.')) {
    const v4 = parseIPv4(text.slice(lastColon + 1));
    tail.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
    text = `${text.slice(0, lastColon + 1)}0`; // placeholder group, dropped below
  }
  const [head, rest] = text.includes('::') ? text.split('::') as [string, string] : [text, undefined];
  const words = (p: string): number[] => (p === '' ? [] : p.split(':').map((w) => parseInt(w, 16)));
  let front = words(head);
  let back = rest === undefined ? [] : words(rest);
  if (tail.length) {
    if (rest === undefined) front = front.slice(0, -1); else back = back.slice(0, -1);
  }
  const fill = 8 - front.length - back.length - tail.length;
  const all = [...front, ...new Array<number>(rest === undefined ? 0 : fill).fill(0), ...back, ...tail];
  const out = Buffer.alloc(16);
  all.forEach((w, i) => out.writeUInt16BE(w, i * 2));
  return out;
}

/** parseAddr returns 4 bytes for IPv4 (the kernel zero-pads) and 16 for IPv6. */
export function parseAddr(s: string, family: IpvsFamily): Buffer {
  return family === 4 ? parseIPv4(s) : parseIPv6(s);
}

/** formatIPv4 prints the first 4 bytes as a dotted quad. */
export function formatIPv4(b: Uint8Array): string {
  return `${b[0]}.${b[1]}.${b[2]}.${b[3]}`;
}

/**
 * formatIPv6 mirrors glibc inet_ntop6: the longest run (>= 2) of zero words becomes "::" (the first
 * run on ties), hex words in lower case without leading zeros, and an IPv4 tail for
 * v4-compatible (::a.b.c.d) and v4-mapped (::ffff:a.b.c.d) addresses.
 */
export function formatIPv6(b: Uint8Array): string {
  const w: number[] = [];
  for (let i = 0; i < 8; i++) w.push((b[2 * i]! << 8) | b[2 * i + 1]!);
  let best = { base: -1, len: 0 };
  let cur = { base: -1, len: 0 };
  for (let i = 0; i < 8; i++) {
    if (w[i] === 0) {
      cur = cur.base === -1 ? { base: i, len: 1 } : { base: cur.base, len: cur.len + 1 };
      if (cur.len > best.len) best = cur;
    } else cur = { base: -1, len: 0 };
  }
  if (best.len < 2) best = { base: -1, len: 0 };
  let out = '';
  for (let i = 0; i < 8; i++) {
    if (best.base !== -1 && i >= best.base && i < best.base + best.len) {
      if (i === best.base) out += ':';
      continue;
    }
    if (i !== 0) out += ':';
    if (i === 6 && best.base === 0 && (best.len === 6 || (best.len === 5 && w[5] === 0xffff))) {
      out += formatIPv4(b.subarray(12, 16));
      break;
    }
    out += w[i]!.toString(16);
  }
  if (best.base !== -1 && best.base + best.len === 8) out += ':';
  return out;
}

/** formatAddr prints an address of the given family from 4 or 16 bytes (v4 uses the first 4). */
export function formatAddr(b: Uint8Array, family: IpvsFamily): string {
  return family === 4 ? formatIPv4(b) : formatIPv6(b);
}

/** familyOf guesses the family of an address string (for dests given without `family`). */
export function familyOf(s: string): IpvsFamily | undefined {
  return isIPv4(s) ? 4 : isIPv6(s) ? 6 : undefined;
}
