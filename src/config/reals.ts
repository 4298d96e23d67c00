/**
 * Resolution of a virtual's real servers: names to addresses, ports, and `first->last` ranges
 * (IPv4 only, inclusive). Errors are reported at the real's own line (ldirectord L2002-2200).
 */
import type { VirtualDraft } from './draft.js';
import { DEFAULTS } from './defaults.js';
import type { RealServer } from './model.js';
import type { RealSpec } from './real-line.js';
import type { Names } from './resolve.js';
import { withSlash, type Ctx } from './values.js';
import { hostPort } from '../util/address.js';

/** MAX_RANGE bounds one `a->b` range; a typo like 10.0.0.1->10.9.0.1 should not make 600k reals. */
export const MAX_RANGE = 65536;

/** ipToInt converts a dotted quad to an unsigned 32-bit number. */
export function ipToInt(ip: string): number {
  return ip.split('.').reduce((n, o) => n * 256 + Number(o), 0);
}

/** intToIp converts an unsigned 32-bit number to a dotted quad. */
export function intToIp(n: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
}

async function addresses(ctx: Ctx, names: Names, v: VirtualDraft, spec: RealSpec, line: number, key: string): Promise<string[] | undefined> {
  const fam = v.family === 6 ? 'IPv6' : 'IPv4';
  const first = await names.host(spec.first, v.family);
  if (first === undefined) {
    ctx.diags.error(line, key, `invalid address "${spec.first}" for real server (could not resolve as ${fam})`);
    return undefined;
  }
  if (spec.last === undefined) return [first];
  if (v.family === 6) {
    ctx.diags.error(line, key, 'address ranges are not supported for IPv6');
    return undefined;
  }
  const last = await names.host(spec.last, 4);
  if (last === undefined) {
    ctx.diags.error(line, key, `invalid address "${spec.last}" for the end of the range (could not resolve as IPv4)`);
    return undefined;
  }
  // Compare numerically; the original's string `le` (L2100) misbehaved across digit counts.
  const a = ipToInt(first);
  const b = ipToInt(last);
  if (a > b) {
    ctx.diags.error(line, key, `invalid range ${first}->${last}: the first address must not be greater than the last`);
    return undefined;
  }
  if (b - a + 1 > MAX_RANGE) {
    ctx.diags.error(line, key, `range ${first}->${last} has ${b - a + 1} addresses; at most ${MAX_RANGE} are allowed`);
    return undefined;
  }
  const out: string[] = [];
  for (let i = a; i <= b; i++) out.push(intToIp(i));
  return out;
}

/** resolveReals expands and resolves every real line of a virtual; vport is the virtual's port. */
export async function resolveReals(ctx: Ctx, names: Names, v: VirtualDraft, vport: number): Promise<RealServer[]> {
  const out: RealServer[] = [];
  const seen = new Map<string, number>();
  const key = v.family === 6 ? 'real6' : 'real';
  for (const { spec, line } of v.reals) {
    const addrs = await addresses(ctx, names, v, spec, line, key);
    let port: number = DEFAULTS.real.port;
    if (spec.portText !== undefined) {
      // ldirectord L2040: getservbyname(name, "") - any protocol.
      const p = names.port(spec.portText, '');
      if ('error' in p) {
        ctx.diags.error(line, key, `invalid port for real server: ${p.error}`);
        continue;
      }
      port = p.port;
    }
    if (!addrs) continue;
    for (const address of addrs) {
      // IPVS identifies a real by address and port; gate/ipip reals always use the virtual's port.
      const effPort = spec.forward !== 'masq' && vport !== 0 ? vport : port || vport;
      const id = hostPort(v.family, address, effPort);
      const prev = seen.get(id);
      if (prev !== undefined) {
        ctx.diags.error(line, key, `duplicate real server ${id} in this virtual service (first at line ${prev})`);
        continue;
      }
      seen.set(id, line);
      const r: RealServer = {
        family: v.family, address, port, forward: spec.forward,
        weight: spec.weight ?? DEFAULTS.real.weight,
        ...(spec.request !== undefined ? { request: withSlash(spec.request), receive: spec.receive ?? '' } : {}),
        lowerThreshold: spec.lower ?? DEFAULTS.real.lowerThreshold,
        upperThreshold: spec.upper ?? DEFAULTS.real.upperThreshold,
        pos: { file: ctx.file, line },
      };
      out.push(r);
    }
  }
  return out;
}
