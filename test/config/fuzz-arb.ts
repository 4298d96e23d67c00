/**
 * fast-check arbitraries for config fuzzing, shared by test/config/fuzz.test.ts (a small budget
 * in every test run) and bench/config-fuzz.ts (>= 1,000,000 configs). Configs are built from
 * real ones (examples/*.cf, the fixtures of test/config) by mutating lines, directives, values
 * and bytes, plus synthetic directive lines, so most inputs are close to valid and reach deep
 * into the validator instead of stopping at the first unparsable line.
 */
import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GLOBAL_DIRECTIVES } from '../../src/config/global-directives.js';
import { VIRTUAL_DIRECTIVES } from '../../src/config/virtual-directives.js';
import type { LoadResult } from '../../src/config/model.js';

/** seedFiles reads examples/*.cf and the .cf fixtures under test/config (from the repo root). */
export function seedFiles(root: string): string[] {
  const dirs = [join(root, 'examples'), join(root, 'test', 'config', 'fixtures')];
  return dirs.flatMap((d) => readdirSync(d).filter((f) => f.endsWith('.cf')).map((f) => readFileSync(join(d, f), 'utf8')));
}

const KEYS = [...Object.keys(GLOBAL_DIRECTIVES), ...Object.keys(VIRTUAL_DIRECTIVES), 'virtual', 'virtual6', 'frobnicate'];
const VALUES = ['', '0', '-1', '1e400', '99999999999999999999', '2147484', 'yes', 'no', '"', '""', '"a', '"a"b"',
  '192.0.2.1', '192.0.2.1:80', '[2001:db8::1]:80', '[2001:db8::1', '[::]:', '10.0.0.1->10.0.0.3:80 gate',
  '10.0.0.3->10.0.0.1:80 gate', '10.0.0.0->10.1.0.0:80 gate', '10.0.0.1:http gate 5 "/x" "y" l:1 u:9',
  '10.0.0.1:80 masq -3', 'www.example.test:www', 'fb.example.test:80 gate', 'v6only.example.test:80', '1.2.3.4:0',
  '1.2.3.4:65536', ':80', 'fwm', '5', '4294967296', 'all', 'none', 'running,none', 'a@x, b@y', 'tcp', 'udp',
  'http', 'https', 'dns', 'ldap', 'external', 'negotiate', 'negotiate2', 'connect', 'ping', 'off', '(', '[',
  '\\A', '[[:digit:]]', 'a b c', '255.255.255.0', '129', 'rr', 'wlc', 'sh-port,sh-fallback', '/nonexistent',
  '$HOSTNAME', '\u00e9', '\u0000', '\t', '#', 'x # comment'];
const NOISE = [...'=:\t "\\#[]-,.0123456789abcxyz/\u0000\u00e9\r%@;|*()?{}>', '->', '\n', '\r\n', '    ', '\ud800'];

/** Mutation is one edit of a line: each keeps the result a string, however broken. */
type Mutation = (line: string, pos: number, other: string) => string;
const MUTATIONS: readonly Mutation[] = [
  (l, p, o) => l.slice(0, p) + o + l.slice(p), // insert noise or a fragment of another line
  (l, p) => l.slice(0, p) + l.slice(p + 1), // delete one character
  (l, p) => l.slice(0, p), // truncate
  (l, p) => l.slice(p), // cut the front (indentation, key)
  (l, p, o) => l.slice(0, p) + o, // replace the tail
  (l) => l.replace(/^(\s*)[A-Za-z0-9]+/, (_m, ws: string) => ws + KEYS[l.length % KEYS.length]), // swap the key
  (l, p) => l + l.slice(p), // repeat a part
];

const pos = fc.nat({ max: 200 });

function mutatedLine(lines: readonly string[]): fc.Arbitrary<string> {
  const fragment = fc.oneof(fc.constantFrom(...NOISE), fc.constantFrom(...VALUES), fc.constantFrom(...lines), fc.string({ maxLength: 8 }));
  return fc.tuple(fc.constantFrom(...lines), fc.array(fc.tuple(fc.nat(MUTATIONS.length - 1), pos, fragment), { minLength: 1, maxLength: 4 }))
    .map(([line, edits]) => edits.reduce((l, [m, p, o]) => MUTATIONS[m]!(l, Math.min(p, l.length), o), line));
}

const synthetic: fc.Arbitrary<string> = fc.tuple(
  fc.constantFrom('', '', '\t', '    ', ' ', '  ', '\t\t'), fc.constantFrom(...KEYS),
  fc.constantFrom('=', '= ', ' =', ' = ', '==', ':', ''), fc.constantFrom(...VALUES),
  fc.option(fc.constantFrom(...VALUES), { freq: 4 }), fc.constantFrom('', '', '', ' # c', '   '),
).map(([ind, k, eq, v, v2, tail]) => `${ind}${k}${eq}${v}${v2 === null ? '' : ` ${v2}`}${tail}`);

/** configArb generates one config text: line-level mixes, or a whole seed file with byte edits. */
export function configArb(seeds: readonly string[]): fc.Arbitrary<string> {
  const lines = [...new Set(seeds.flatMap((s) => s.split('\n')))];
  const line = fc.oneof(
    { arbitrary: fc.constantFrom(...lines), weight: 4 },
    { arbitrary: mutatedLine(lines), weight: 3 },
    { arbitrary: synthetic, weight: 3 },
    { arbitrary: fc.string({ unit: 'binary', maxLength: 40 }), weight: 1 },
  );
  const mixed = fc.tuple(fc.array(line, { minLength: 1, maxLength: 30 }), fc.constantFrom('\n', '\n', '\r\n', '\r'), fc.boolean())
    .map(([ls, eol, last]) => ls.join(eol) + (last ? eol : ''));
  const bytes = fc.tuple(fc.constantFrom(...seeds), fc.array(fc.tuple(fc.nat(MUTATIONS.length - 1), fc.nat(), fc.constantFrom(...NOISE)), { minLength: 1, maxLength: 6 }))
    .map(([text, edits]) => edits.reduce((t, [m, p, o]) => MUTATIONS[m]!(t, p % (t.length + 1), o), text));
  return fc.oneof({ arbitrary: mixed, weight: 4 }, { arbitrary: bytes, weight: 1 });
}

/** lineCount is how many lines a diagnostic may name in `text` (the lexer splits on \r?\n). */
export function lineCount(text: string): number {
  return text.split(/\r?\n/).length;
}

/**
 * problemOf loads one config with the test fakes and returns what is wrong with the outcome, or
 * undefined: no exception may escape, a rejected config has diagnostics, and every diagnostic
 * (errors and warnings) names the file and a line of it and has a message.
 */
export async function problemOf(text: string, load: (text: string) => Promise<LoadResult>): Promise<string | undefined> {
  let r: LoadResult;
  try {
    r = await load(text);
  } catch (e) {
    return `threw ${(e as Error).stack ?? String(e)}`;
  }
  const diags = r.ok ? r.warnings : r.diagnostics;
  if (!r.ok && diags.length === 0) return 'rejected without a diagnostic';
  const lines = lineCount(text);
  for (const d of diags) {
    if (d.file !== FUZZ_FILE) return `diagnostic names file ${d.file}: ${JSON.stringify(d)}`;
    if (!Number.isInteger(d.line) || d.line < 1 || d.line > lines) return `diagnostic without a line of the file: ${JSON.stringify(d)}`;
    if (d.message === '' || /undefined|NaN|\[object /.test(d.message)) return `bad message: ${JSON.stringify(d)}`;
  }
  return undefined;
}

/** FUZZ_FILE is the path the fuzz loads every config as (test/config/helpers.ts load()). */
export const FUZZ_FILE = '/t/test.cf';
