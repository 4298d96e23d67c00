/**
 * Test helpers for the config loader: an injected resolver and services table (no external DNS,
 * no dependence on the machine's /etc/services), and table runners.
 */
import assert from 'node:assert/strict';
import { loadConfigText, parseServices, type Config, type Diagnostic, type LoadResult } from '../../src/config/index.js';
import type { Family } from '../../src/config/model.js';

/** HOSTS is the fake DNS: name -> per-family address. */
export const HOSTS: Record<string, Partial<Record<Family, string>>> = {
  'www.example.test': { 4: '192.0.2.10', 6: '2001:db8::10' },
  'web1.example.test': { 4: '192.0.2.21' },
  'web2.example.test': { 4: '192.0.2.22' },
  'v6only.example.test': { 6: '2001:db8::66' },
  'fb.example.test': { 4: '192.0.2.99', 6: '2001:db8::99' },
};

/** SERVICES is a small services file; note http is tcp-only and sip udp-only. */
export const SERVICES = parseServices([
  'ftp 21/tcp', 'smtp 25/tcp mail', 'domain 53/tcp', 'domain 53/udp # DNS', 'http 80/tcp www',
  'pop3 110/tcp pop-3', 'imap2 143/tcp imap', 'https 443/tcp', 'sip 5060/udp', 'http-alt 8080/tcp webcache',
].join('\n'));

/** fakeResolver answers from HOSTS and records every query. */
export function fakeResolver(calls: string[] = []) {
  return async (host: string, family: Family): Promise<string | undefined> => {
    calls.push(`${host}/${family}`);
    return HOSTS[host]?.[family];
  };
}

/** load loads text as /t/test.cf with the fakes. */
export function load(text: string, calls?: string[]): Promise<LoadResult> {
  return loadConfigText(text, '/t/test.cf', { resolver: fakeResolver(calls), services: SERVICES, hostname: 'lvs1' });
}

/** ok loads and asserts success with no errors; returns the config. */
export async function ok(text: string): Promise<Config> {
  const r = await load(text);
  if (!r.ok) assert.fail(`expected ok, got:\n${r.diagnostics.map(show).join('\n')}`);
  return r.config;
}

/** show renders a diagnostic compactly as `line: severity: directive: message`. */
export function show(d: Diagnostic): string {
  return `${d.line}: ${d.severity}: ${d.directive}: ${d.message}`;
}

/** errors loads and asserts failure; returns the error diagnostics. */
export async function errors(text: string): Promise<Diagnostic[]> {
  const r = await load(text);
  assert.equal(r.ok, false, 'expected the config to be rejected');
  return r.ok ? [] : r.diagnostics.filter((d) => d.severity === 'error');
}

/** warnings loads and asserts success; returns the warnings. */
export async function warnings(text: string): Promise<readonly Diagnostic[]> {
  const r = await load(text);
  if (!r.ok) assert.fail(`expected ok, got:\n${r.diagnostics.map(show).join('\n')}`);
  return r.warnings;
}

/** pick reads a dotted path (`virtuals.0.reals.1.weight`) from a value. */
export function pick(o: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((v, k) => (v == null ? undefined : (v as Record<string, unknown>)[k]), o);
}

/** V wraps body lines into a virtual block at 192.0.2.1:80 (with one real unless given). */
export function V(...body: string[]): string {
  const lines = body.some((l) => l.startsWith('real')) ? body : ['real=192.0.2.2:80 gate', ...body];
  return ['virtual=192.0.2.1:80', ...lines.map((l) => `\t${l}`)].join('\n') + '\n';
}

/** FieldCase: a config and the expected values at dotted paths of the Config. */
export interface FieldCase { readonly desc: string; readonly cf: string; readonly want: Record<string, unknown> }

/** ErrorCase: a config and the expected error diagnostics as [line, directive, message part]. */
export interface ErrorCase { readonly desc: string; readonly cf: string; readonly want: readonly (readonly [number, string, string | RegExp])[] }

/** checkFields runs a FieldCase. */
export async function checkFields(c: FieldCase): Promise<void> {
  const cfg = await ok(c.cf);
  for (const [path, want] of Object.entries(c.want)) assert.deepEqual(pick(cfg, path), want, `${c.desc}: ${path}`);
}

/** checkErrors runs an ErrorCase: exactly these errors, in line order. */
export async function checkErrors(c: ErrorCase): Promise<void> {
  const got = await errors(c.cf);
  assert.equal(got.length, c.want.length, `${c.desc}: got\n${got.map(show).join('\n')}`);
  c.want.forEach(([line, directive, msg], i) => {
    const d = got[i];
    assert.ok(d);
    assert.equal(d.line, line, `${c.desc}: line of ${show(d)}`);
    assert.equal(d.directive, directive, `${c.desc}: directive of ${show(d)}`);
    assert.equal(d.file, '/t/test.cf');
    if (typeof msg === 'string') assert.ok(d.message.includes(msg), `${c.desc}: "${d.message}" should include "${msg}"`);
    else assert.match(d.message, msg, c.desc);
  });
}
