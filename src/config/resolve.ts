/**
 * Name resolution at load time (the original resolves while parsing, reference §2.1): hostnames
 * through an injectable HostResolver (dns.lookup by default), service names through a
 * ServiceTable. One Names instance per load; it caches so a host used by many reals is looked up
 * once.
 */
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { Family } from './model.js';
import type { Proto, ServiceTable } from './services.js';
import { normAddr } from '../util/address.js';

/** HostResolver returns the first address of the given family for a name, or undefined. */
export type HostResolver = (host: string, family: Family) => Promise<string | undefined>;

/** dnsResolver is the default HostResolver: getaddrinfo through dns.lookup. */
export const dnsResolver: HostResolver = async (host, family) => {
  try {
    return (await lookup(host, { family })).address;
  } catch {
    return undefined;
  }
};

/** PortResult is a resolved port or the reason it could not be resolved. */
export type PortResult = { readonly port: number } | { readonly error: string };

/** Names resolves hosts and ports for one load. */
export class Names {
  readonly #resolver: HostResolver;
  readonly #services: ServiceTable;
  readonly #cache = new Map<string, Promise<string | undefined>>();

  constructor(resolver: HostResolver, services: ServiceTable) {
    this.#resolver = resolver;
    this.#services = services;
  }

  /**
   * host returns the numeric address (IPv6 without brackets) of an IP literal or a name, in the
   * given family; a literal of the other family is undefined, as getaddrinfo with AF_INET[6] does.
   */
  host(name: string, family: Family): Promise<string | undefined> {
    const bare = name.startsWith('[') && name.endsWith(']') ? name.slice(1, -1) : name;
    const lit = isIP(bare);
    if (lit !== 0) return Promise.resolve(lit === family ? canonical(bare, family) : undefined);
    if (name !== bare) return Promise.resolve(undefined);
    const key = `${family}/${bare}`;
    let p = this.#cache.get(key);
    if (!p) {
      p = this.#resolver(bare, family).then((a) => (a !== undefined && isIP(a) === family ? canonical(a, family) : undefined));
      this.#cache.set(key, p);
    }
    return p;
  }

  /** port resolves a port number (0..65535) or a service name for the protocol. */
  port(text: string, proto: Proto): PortResult {
    if (/^\d+$/.test(text)) {
      const n = Number(text);
      return n <= 65535 ? { port: n } : { error: `port must be 0..65535, got ${text}` };
    }
    const p = this.#services.port(text, proto);
    if (p === undefined) {
      return { error: `unknown service name "${text}"${proto ? ` for ${proto}` : ''} (not in the services file)` };
    }
    return { port: p };
  }
}

/** canonical normalises an address literal (e.g. IPv6 zero compression, lower case). */
function canonical(addr: string, family: Family): string {
  return family === 4 ? addr : normAddr(family, addr);
}
