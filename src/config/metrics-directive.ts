/**
 * `metrics = [ADDRESS:]PORT | no` (extension): where the daemon serves Prometheus `/metrics`.
 * Off by default; a bare port listens on the loopback only (127.0.0.1), so turning it on never
 * exposes the director by accident. Any other address must be written out.
 */
import { isIP } from 'node:net';
import type { Directive } from './ast.js';
import type { Ctx } from './values.js';

/** MetricsListen is where /metrics is served. */
export interface MetricsListen { readonly address: string; readonly port: number }

/** parseMetrics reads the value; `no` = off (undefined with no diagnostic). */
export function parseMetrics(ctx: Ctx, d: Directive): MetricsListen | null | undefined {
  const v = (d.value ?? '').replace(/^"(.*)"$/, '$1');
  if (v === 'no') return null;
  const m = /^(?:(\[[0-9a-fA-F:.]+\]|[0-9.]+):)?(\d{1,5})$/.exec(v);
  const address = m?.[1] ? m[1].replace(/^\[(.*)\]$/, '$1') : '127.0.0.1';
  const port = m ? Number(m[2]) : NaN;
  if (!m || port < 1 || port > 65535 || isIP(address) === 0) {
    ctx.diags.error(d.line, d.key, `metrics must be PORT, ADDRESS:PORT, [IPv6]:PORT or no, got "${v}"`);
    return undefined;
  }
  return { address, port };
}
