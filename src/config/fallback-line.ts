/**
 * The syntax of a `fallback=`/`fallback6=` value: `host[:port|:service] [gate|masq|ipip]`
 * (ldirectord parse_fallback L2205). Anchored, so trailing junk is an error; IPv6 must be
 * bracketed (the original read the last `:group` of a bare IPv6 address as a port).
 */
import type { Directive } from './ast.js';
import type { FallbackSpec } from './draft.js';
import type { Family, Forward } from './model.js';
import { HOST_RE, PORT_RE, type Ctx } from './values.js';

const FALLBACK = new RegExp(`^(${HOST_RE})(?::(${PORT_RE}))?(?:\\s+(\\S+))?$`);

/** parseFallback returns the spec, or records an error and returns undefined. */
export function parseFallback(ctx: Ctx, d: Directive, family: Family): FallbackSpec | undefined {
  const m = FALLBACK.exec(d.value ?? '');
  if (!m) {
    const form = family === 6 ? '[ipv6][:port]' : 'host[:port]';
    ctx.diags.error(d.line, d.key, `invalid fallback server: expected ${form} [gate|masq|ipip], got "${d.value ?? ''}"`);
    return undefined;
  }
  const fwd = m[3] ?? 'gate';
  if (fwd !== 'gate' && fwd !== 'masq' && fwd !== 'ipip') {
    ctx.diags.error(d.line, d.key, `forward method must be gate, masq or ipip, got "${fwd}"`);
    return undefined;
  }
  const host = m[1] ?? '';
  const bracketed = host.startsWith('[');
  if (bracketed && family === 4) {
    ctx.diags.error(d.line, d.key, 'cannot use an IPv6 address here: use fallback6');
    return undefined;
  }
  const spec: { -readonly [K in keyof FallbackSpec]: FallbackSpec[K] } = { host, forward: fwd as Forward, line: d.line };
  if (m[2] !== undefined) spec.portText = m[2];
  return spec;
}
