/**
 * One receive-matching rule for every check: the same table runs through the shared helper,
 * through the http check (body) and the simpletcp check (per line) against real sockets, and
 * a static scan makes sure no check compiles or tests a receive pattern of its own.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileReceive } from '../../../src/checks/lib/receive.js';
import { SERVICE_CHECKS } from '../../../src/checks/registry.js';
import { makeSpec, startReplyServer, type TestServer } from '../../harness/index.js';

const HOST = '127.0.5.31';

/** RECEIVE_CASES: receive, server text, and whether Perl's unflagged /receive/ matches it. */
export const RECEIVE_CASES: ReadonlyArray<{ receive: string; text: string; match: boolean | 'invalid' }> = [
  { receive: '^OK$', text: 'OK', match: true },
  { receive: '^OK$', text: 'OK\n', match: true }, // Perl: $ also matches before a final newline
  { receive: '^OK$', text: 'OK\n\n', match: false }, // ... only before the final one
  { receive: '^OK$', text: 'OK\r\n', match: false },
  { receive: 'nominal$', text: 'all systems nominal\n', match: true },
  { receive: 'x$', text: 'x\ny', match: false },
  { receive: '^b', text: 'a\nb', match: false }, // no /m: ^ is the start of the text only
  { receive: 'a.b', text: 'a\nb', match: false }, // no /s: . does not match a newline
  { receive: 'OK', text: 'xx OK yy', match: true },
  { receive: 'ok', text: 'OK', match: false }, // case-sensitive
  { receive: '\\d+ bytes', text: '42 bytes', match: true },
  { receive: '', text: 'anything', match: true },
  { receive: '(', text: 'anything', match: 'invalid' },
];

/** lineSafe: a case whose answer does not depend on splitting into lines (simpletcp matches per line, CR stripped). */
const lineSafe = (text: string): boolean => !text.includes('\r') && !text.replace(/\n$/, '').includes('\n');

describe('receive: the shared helper', () => {
  for (const c of RECEIVE_CASES) {
    it(`${JSON.stringify(c.receive)} on ${JSON.stringify(c.text)} -> ${c.match}`, () => {
      const re = compileReceive(c.receive);
      if (c.match === 'invalid') {
        assert.equal(typeof re, 'string');
        assert.match(re as string, /^invalid receive regex: /);
        return;
      }
      assert.notEqual(typeof re, 'string', String(re));
      const compiled = re as Exclude<typeof re, string>;
      assert.equal(compiled.matches(c.text), c.match);
      assert.equal(compiled.matches(c.text), c.match, 'no state kept between calls');
      assert.equal(compiled.source, c.receive);
    });
  }
});

describe('receive: through the checks', () => {
  let http: Server;
  let httpPort = 0;
  let body = '';
  let tcp: TestServer;
  let reply = '';
  before(async () => {
    http = createServer((_req, res) => { res.writeHead(200, { 'content-type': 'text/plain' }); res.end(body); });
    await new Promise<void>((r) => http.listen(0, HOST, r));
    const a = http.address();
    httpPort = typeof a === 'object' && a ? a.port : 0;
    tcp = await startReplyServer(HOST, 0, () => reply);
  });
  after(async () => {
    await new Promise<void>((r) => http?.close(() => r()));
    await tcp?.close();
  });

  for (const c of RECEIVE_CASES) {
    const want = c.match === true;
    it(`http: ${JSON.stringify(c.receive)} on body ${JSON.stringify(c.text)}`, async () => {
      body = c.text;
      const r = await SERVICE_CHECKS.http(makeSpec({ service: 'http', realAddress: HOST, checkPort: httpPort, receive: c.receive }), AbortSignal.timeout(3000), {});
      assert.equal(r.up, want, r.message);
      if (c.match === 'invalid') assert.match(r.message, /^invalid receive regex: /);
    });
    if (!lineSafe(c.text)) continue;
    it(`simpletcp: ${JSON.stringify(c.receive)} on ${JSON.stringify(c.text)}`, async () => {
      reply = c.text;
      const r = await SERVICE_CHECKS.simpletcp(makeSpec({ service: 'simpletcp', realAddress: HOST, checkPort: tcp.port, receive: c.receive }), AbortSignal.timeout(3000), {});
      assert.equal(r.up, want, r.message);
      if (c.match === 'invalid') assert.match(r.message, /^invalid receive regex: /);
    });
  }
});

describe('receive: no check keeps a private compile', () => {
  const root = fileURLToPath(new URL('../../../../src/checks/', import.meta.url));
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) files.push(p);
    }
  };
  walk(root);

  it('finds the check sources', () => assert.ok(files.length > 20, `${files.length} files under ${root}`));

  for (const f of files) {
    const rel = relative(root, f);
    if (rel === join('lib', 'receive.ts')) continue;
    const src = readFileSync(f, 'utf8');
    it(rel, () => {
      // Only lib/receive.ts turns a configured string into a RegExp.
      assert.doesNotMatch(src, /new RegExp\(|RegExp\(\s*spec/);
      // Every use of spec.receive goes through compileReceive and Receive.matches.
      if (/spec\.receive\b/.test(src)) {
        assert.match(src, /compileReceive\(spec\.receive\)/);
        assert.match(src, /from '\.{1,2}\/(lib\/)?receive\.js'/);
        assert.match(src, /\.matches\(/);
        assert.doesNotMatch(src, /\b(re|receive)\.test\(/);
      }
    });
  }
});
