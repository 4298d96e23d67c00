/**
 * The order `ipvsadm -L`/`-S` prints services and dests in: glibc 2.36 qsort (a top-down merge
 * sort) over libipvs's comparators, which subtract host-order u32 values and keep the result as
 * a signed int. The subtraction wraps, so the order is not even transitive (200.x sorts before
 * 10.x, but 10.x before 100.x ...); only the same algorithm on the same comparator reproduces it.
 */
import { parseAddr } from './addr.js';
import { AF_INET, AF_INET6, IPPROTO_SCTP, IPPROTO_TCP, IPPROTO_UDP } from './constants.js';
import type { IpvsDest, IpvsFamily, IpvsService } from './types.js';

/** msort is glibc's msort_with_tmp: split n/2 | n - n/2, merge taking the left one on cmp <= 0. */
export function msort<T>(items: readonly T[], cmp: (a: T, b: T) => number): T[] {
  const a = items.slice();
  const tmp = new Array<T>(a.length);
  const rec = (lo: number, n: number): void => {
    if (n <= 1) return;
    const n1 = Math.floor(n / 2);
    rec(lo, n1);
    rec(lo + n1, n - n1);
    let i = lo; let j = lo + n1; let k = 0;
    const iEnd = lo + n1; const jEnd = lo + n;
    while (i < iEnd && j < jEnd) tmp[k++] = cmp(a[i]!, a[j]!) <= 0 ? a[i++]! : a[j++]!;
    while (i < iEnd) tmp[k++] = a[i++]!;
    for (let x = 0; x < k; x++) a[lo + x] = tmp[x]!;
  };
  rec(0, a.length);
  return a;
}

/** int32 keeps what C keeps when a u32 difference is stored in an int. */
const int32 = (x: number): number => x | 0;

/**
 * ipv4Word reads a canonical dotted quad (what decode formats) as a host-order u32 without
 * splitting it (dumps of 10,000 dests are sorted on every render); -1 if it is not one.
 */
function ipv4Word(s: string): number {
  let word = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c === -2) { // '.'
      if (digits === 0 || dots === 3) return -1;
      word = word * 256 + part;
      part = 0; digits = 0; dots++;
    } else if (c >= 0 && c <= 9 && digits < 3) {
      part = part * 10 + c; digits++;
      if (part > 255) return -1;
    } else return -1;
  }
  return dots === 3 && digits > 0 ? word * 256 + part : -1;
}

/** addrWords returns the 4 host-order words of a union nf_inet_addr (v4 in word 0). */
function addrWords(address: string, family: IpvsFamily): number[] {
  if (family === 4) {
    const w = ipv4Word(address);
    if (w >= 0) return [w, 0, 0, 0];
  }
  const b = Buffer.alloc(16);
  parseAddr(address, family).copy(b);
  return [b.readUInt32BE(0), b.readUInt32BE(4), b.readUInt32BE(8), b.readUInt32BE(12)];
}

const afNumber = (f: IpvsFamily): number => (f === 4 ? AF_INET : AF_INET6);
const protoNumber = { tcp: IPPROTO_TCP, udp: IPPROTO_UDP, sctp: IPPROTO_SCTP } as const;

function cmpAddr(f: IpvsFamily, a: readonly number[], b: readonly number[]): number {
  if (f !== 6) return int32(a[0]! - b[0]!);
  let r = 0;
  for (let i = 0; r === 0 && i < 4; i++) r = int32(a[i]! - b[i]!);
  return r;
}

interface SvcSortKey { fwmark: number; af: number; protocol: number; words: number[]; port: number; family: IpvsFamily }
const svcSortKey = (s: IpvsService): SvcSortKey => {
  const k = s.key;
  return k.fwmark !== undefined
    ? { fwmark: k.fwmark, af: afNumber(k.family), protocol: 0, words: [0, 0, 0, 0], port: 0, family: k.family }
    : { fwmark: 0, af: afNumber(k.family), protocol: protoNumber[k.protocol], words: addrWords(k.address, k.family), port: k.port, family: k.family };
};

/** cmpServices mirrors libipvs ipvs_cmp_services: fwmark, af, protocol, address, port. */
function cmpServices(a: SvcSortKey, b: SvcSortKey): number {
  return int32(a.fwmark - b.fwmark) || a.af - b.af || a.protocol - b.protocol || cmpAddr(a.family, a.words, b.words) || a.port - b.port;
}

/** sortServices returns services in ipvsadm's listing order. */
export function sortServices<T extends { service: IpvsService }>(entries: readonly T[]): T[] {
  const keyed = entries.map((e) => ({ e, k: svcSortKey(e.service) }));
  return msort(keyed, (a, b) => cmpServices(a.k, b.k)).map((x) => x.e);
}

/** V4_REST stands in for the words of an IPv4 dest: its comparison reads w0 only. */
const V4_REST: readonly number[] = [0, 0, 0, 0];

/** sortDests mirrors ipvs_cmp_dests: address compared as the *first* dest's family, then port. */
export function sortDests(dests: readonly IpvsDest[], svcFamily: IpvsFamily): IpvsDest[] {
  const keyed = dests.map((d) => {
    const f = d.family ?? svcFamily;
    // IPv4 compares word 0 only: keep it unboxed so the sort of a big dump stays allocation-light.
    const w0 = f === 4 ? ipv4Word(d.address) : -1;
    const w = w0 >= 0 ? V4_REST : addrWords(d.address, f);
    return { d, f, w0: w0 >= 0 ? w0 : w[0]!, w, port: d.port };
  });
  return msort(keyed, (a, b) => (a.f !== 6 ? int32(a.w0 - b.w0) : cmpAddr(a.f, a.w, b.w)) || a.port - b.port).map((x) => x.d);
}
