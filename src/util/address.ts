/**
 * Address rules shared by config, director, ipvs and the CLI: one canonical spelling of an
 * address, one `ip:port` form, one service identity. They live here because config and ipvs
 * may not import each other, and both need them.
 */

/**
 * normAddr canonicalises an address so every spelling of one IPv6 address compares equal (zero
 * compression, lower case, as the kernel prints it); IPv4 text is left as written.
 */
export function normAddr(family: 4 | 6 | undefined, a: string): string {
  if (family !== 6 && !a.includes(':')) return a;
  try { return new URL(`http://[${a}]/`).hostname.slice(1, -1); } catch { return a.toLowerCase(); }
}

/**
 * hostPort renders `ip:port` with an IPv6 address bracketed. Without a family the address decides
 * (IPv6 text has a colon, IPv4 and host names do not).
 */
export function hostPort(family: 4 | 6 | undefined, address: string, port: number): string {
  const v6 = family === undefined ? address.includes(':') : family === 6;
  return v6 ? `[${address}]:${port}` : `${address}:${port}`;
}

/** ServiceIdParts: what identifies a virtual service (IPVS's key, the config's virtual). */
export interface ServiceIdParts {
  readonly family: 4 | 6;
  readonly protocol?: string;
  readonly address?: string;
  readonly port?: number;
  readonly fwmark?: number;
}

/**
 * serviceId is the original's identity of a virtual and our map key of a kernel service:
 * `tcp:1.2.3.4:80`, `udp:[2001:db8::1]:53`, `fwm:7`, `fwm6:7`.
 */
export function serviceId(k: ServiceIdParts): string {
  if (k.fwmark !== undefined) return `fwm${k.family === 6 ? '6' : ''}:${k.fwmark}`;
  return `${k.protocol}:${hostPort(k.family, k.address ?? '', k.port ?? 0)}`;
}
