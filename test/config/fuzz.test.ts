// Fuzzing the loader with a fixed seed: random and mutated lines from examples/*.cf must always
// yield either a config or diagnostics with a position and a message; no exception may escape.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { load } from './helpers.js';

const EXAMPLES = ['ldirectord.cf', 'mail.cf', 'www.cf']
  .flatMap((f) => readFileSync(join(process.cwd(), 'examples', f), 'utf8').split('\n'));
const DIRECTIVES = ('autoreload callback checkcommand checkcount checkinterval checkport checktimeout checktype cleanstop '
  + 'comment database emailalert emailalertfreq emailalertfrom emailalertstatus execute failurecount fallback6 fallback '
  + 'fallbackcommand fallbackcommandonstop fork httpmethod httpsverify hysteresis logfile login maintenancedir maxchecks '
  + 'maxresponsebytes metrics monitorfile negotiatetimeout connecttimeout netmask ops passwd persistent protocol quiescent quorum '
  + 'readdquiescent real6 real receive request risecount schedflags scheduler secret service servicename smtp supervised '
  + 'virtual6 virtual virtualhost').split(' ');
const VALUES = ['', '0', '-1', '1e400', '99999999999999999999', 'yes', 'no', '"', '""', '"a', '192.0.2.1', '192.0.2.1:80',
  '[2001:db8::1]:80', '[2001:db8::1', '[::]:', '10.0.0.[1-3]:80', '10.0.0.[3-1]:80', '10.0.0.[1-300]:80',
  '10.0.0.1:http gate 5 "/x" "y"', '10.0.0.1:80 masq -3', 'www.example.test:www', 'fb.example.test:80 gate', '1.2.3.4:0',
  '1.2.3.4:65536', ':80', '1.2.3.4:', 'fwm', '5', '0x10', 'all', 'none', 'a,b,c', 'tcp', 'udp', 'http', 'https', 'dns',
  'ldap', 'mysql', 'sip', 'external', 'connect', 'ping', 'negotiate', 'on', 'off', '(', '[', '\\', 'a b c',
  '255.255.255.0', '/24', '129', 'exec:/bin/true', 'rr', 'wlc', 'sh-port|sh-fallback', 'flag-1,flag-2', '/nonexistent',
  'mail@x', ' ', '\u00e9', '%', '$HOSTNAME', '\u0000'];
const NOISE = '=:\t "\\#[]-,.0123456789abcxyz/\u0000\u00e9\r%@;|*()?{}';

/** lcg is a tiny deterministic PRNG, so a failure reproduces from the seed alone. */
function lcg(seed: number): () => number {
  let s = seed;
  return () => { s = (s * 1103515245 + 12345) & 0x7fffffff; return s / 0x80000000; };
}

function generator(seed: number) {
  const rnd = lcg(seed);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)]!;
  const mutate = (l: string): string => {
    let out = l;
    for (let n = 1 + Math.floor(rnd() * 4); n > 0; n--) {
      const p = Math.floor(rnd() * (out.length + 1));
      switch (Math.floor(rnd() * 5)) {
        case 0: out = out.slice(0, p) + pick([...NOISE]) + out.slice(p); break;
        case 1: out = out.slice(0, p) + out.slice(p + 1); break;
        case 2: out = out.slice(0, p) + pick(EXAMPLES) + out.slice(p); break;
        case 3: out = out.slice(0, p); break;
        default: out += String.fromCharCode(Math.floor(rnd() * 0x3000));
      }
    }
    return out;
  };
  const synthetic = (): string => {
    const indent = rnd() < 0.6 ? pick(['\t', '  ', ' ', '\t\t']) : '';
    return indent + pick(DIRECTIVES) + pick(['=', '= ', ' =', ' = ', '==', ':', '']) + pick(VALUES)
      + (rnd() < 0.2 ? ` ${pick(VALUES)}` : '') + (rnd() < 0.1 ? ' #c' : '');
  };
  const line = (): string => {
    const r = rnd();
    if (r < 0.35) return pick(EXAMPLES);
    if (r < 0.65) return mutate(pick(EXAMPLES));
    return synthetic();
  };
  return (): { text: string; lines: number } => {
    const lines = 1 + Math.floor(rnd() * 25);
    return { text: Array.from({ length: lines }, line).join(rnd() < 0.8 ? '\n' : '\r\n'), lines };
  };
}

test('fuzz: no input makes the loader throw; every diagnostic has a line in the file and a message', async () => {
  const next = generator(20261125);
  let failed = 0;
  for (let i = 0; i < 2000; i++) {
    const { text, lines } = next();
    let r;
    try {
      r = await load(text);
    } catch (e) {
      assert.fail(`case ${i} threw ${(e as Error).stack}\ninput: ${JSON.stringify(text)}`);
    }
    if (r.ok) continue;
    failed++;
    assert.ok(r.diagnostics.length > 0, `case ${i}: not ok but no diagnostics`);
    for (const d of r.diagnostics) {
      const where = `case ${i}: ${JSON.stringify(d)}\ninput: ${JSON.stringify(text)}`;
      assert.equal(d.file, '/t/test.cf', where);
      assert.ok(Number.isInteger(d.line) && d.line >= 1 && d.line <= lines, where);
      assert.ok(d.message.length > 0 && !/undefined|NaN|\[object /.test(d.message), where);
    }
  }
  // The generator must actually reach the error paths, or this test proves nothing.
  assert.ok(failed > 500, `only ${failed} of 2000 inputs were rejected`);
});
