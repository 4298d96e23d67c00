/**
 * maintenancedir (ldirectord L2941-2973): a file named after the real forces it down. Candidate
 * names are tried in the original's order. Reverse DNS is cached (the original resolved on every
 * check), and the directory listing is cached for one second instead of six stat() calls per check.
 */
import type { Clock } from '../util/clock.js';

/** maintenanceCandidates lists the file names, in order, for a real (port 0 for fwmark). */
export function maintenanceCandidates(family: 4 | 6, ip: string, port: number, rdns?: string): string[] {
  const a = family === 6 ? `[${ip}]` : ip;
  const out = [`${a}:${port}`, a];
  if (rdns) {
    out.push(`${rdns}:${port}`, rdns);
    // <short> only when the name looks like host.domain (L2960: /^[a-z][a-z0-9-]+\./).
    const m = /^([a-z][a-z0-9-]+)\./.exec(rdns);
    if (m) out.push(`${m[1]}:${port}`, m[1]!);
  }
  return out;
}

export interface MaintenanceDeps {
  readonly clock: Clock;
  readonly readdir: (dir: string) => Promise<string[]>;
  readonly reverse: (ip: string) => Promise<string[]>;
  readonly rdnsTtlMs: number;
  /** How long a directory listing is reused. */
  readonly listTtlMs?: number;
}

/** Maintenance answers "is this real in maintenance?" with cached rDNS and listings. */
export class Maintenance {
  private rdns = new Map<string, { name: string | undefined; until: number; pending?: Promise<string | undefined> }>();
  private listing: { names: Set<string>; until: number; pending?: Promise<Set<string>> } | undefined;
  lookups = 0;

  constructor(private readonly dir: string, private readonly d: MaintenanceDeps) {}

  /** check returns the matching file name, or undefined. */
  async check(family: 4 | 6, ip: string, port: number): Promise<string | undefined> {
    const names = await this.names();
    if (names.size === 0) return undefined;
    const rdns = await this.reverseName(ip);
    return maintenanceCandidates(family, ip, port, rdns).find((c) => names.has(c));
  }

  private async names(): Promise<Set<string>> {
    const now = this.d.clock.monotonic();
    if (this.listing && this.listing.until > now) return this.listing.names;
    if (this.listing?.pending) return this.listing.pending;
    const pending = this.d.readdir(this.dir).then((l) => new Set(l), () => new Set<string>());
    this.listing = { names: this.listing?.names ?? new Set(), until: 0, pending };
    const names = await pending;
    this.listing = { names, until: this.d.clock.monotonic() + (this.d.listTtlMs ?? 1000) };
    return names;
  }

  /** reverseName resolves with the cache; failures are cached too (NI_NAMEREQD: no name). */
  async reverseName(ip: string): Promise<string | undefined> {
    const now = this.d.clock.monotonic();
    const c = this.rdns.get(ip);
    if (c && c.until > now) return c.name;
    if (c?.pending) return c.pending;
    this.lookups++;
    const pending = this.d.reverse(ip).then((n) => n[0], () => undefined);
    this.rdns.set(ip, { name: c?.name, until: 0, pending });
    const name = await pending;
    this.rdns.set(ip, { name, until: this.d.clock.monotonic() + this.d.rdnsTtlMs });
    return name;
  }
}
