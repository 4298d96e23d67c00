/**
 * The `virtual=`/`virtual6=` line (reference §2.2, ldirectord L1335-1400): ip:port,
 * hostname:port, [ipv6]:port (virtual6 only) or a fwmark number. Anchored: the original ignored
 * trailing text and read `virtual=10.0.0.1` (no port) as fwmark 10.
 */
import type { Directive } from './ast.js';
import type { VirtualDraft } from './draft.js';
import type { Family } from './model.js';
import { PORT_RE, type Ctx } from './values.js';

const FWMARK = /^\d+$/;
const V6 = new RegExp(`^\\[([0-9A-Fa-f:.]+)\\]:(${PORT_RE})$`);
const HOST = new RegExp(`^([0-9A-Za-z._+-]+):(${PORT_RE})$`);

/** parseVirtualHeader returns the initial draft, or records an error and returns undefined. */
export function parseVirtualHeader(ctx: Ctx, d: Directive): VirtualDraft | undefined {
  const family: Family = d.key === 'virtual6' ? 6 : 4;
  const val = d.value ?? '';
  const base = { line: d.line, family, reals: [] };
  if (FWMARK.test(val)) {
    const mark = Number(val);
    if (mark < 1 || mark > 4294967295) {
      ctx.diags.error(d.line, d.key, `fwmark must be 1..4294967295, got ${val}`);
      return undefined;
    }
    return { ...base, fwmark: mark, protocol: 'fwm' };
  }
  const v6 = V6.exec(val);
  if (v6 && family === 4) {
    ctx.diags.error(d.line, d.key, 'cannot use an IPv6 address here: use "virtual6"');
    return undefined;
  }
  const m = v6 ?? HOST.exec(val);
  if (!m) {
    const forms = family === 6 ? '[ipv6]:port, hostname:port' : 'ip:port, hostname:port';
    ctx.diags.error(d.line, d.key, `invalid address for virtual server: expected ${forms} or a fwmark number, got "${val}"`);
    return undefined;
  }
  // ldirectord L1367: the port text 53 or domain makes the default protocol udp.
  const protocol = m[2] === '53' || m[2] === 'domain' ? 'udp' : 'tcp';
  return { ...base, hostText: v6 ? `[${m[1]}]` : m[1], portText: m[2], protocol };
}
