// Every file in examples/ loads without errors and without warnings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { loadConfigText, summarize } from '../../src/config/index.js';
import { fakeResolver, SERVICES, show } from './helpers.js';

const dir = fileURLToPath(new URL('../../../examples/', import.meta.url));

async function loadExample(name: string) {
  const text = await readFile(`${dir}${name}`, 'utf8');
  const r = await loadConfigText(text, `/etc/ha.d/${name}`, { resolver: fakeResolver(), services: SERVICES, hostname: 'lvs1' });
  if (!r.ok) assert.fail(`${name}:\n${r.diagnostics.map(show).join('\n')}`);
  assert.deepEqual(r.warnings.map(show), [], `${name} warnings`);
  return r.config;
}

test('examples/www.cf', async () => {
  const c = await loadExample('www.cf');
  assert.equal(c.virtuals.length, 1);
  const v = c.virtuals[0];
  assert.ok(v);
  assert.deepEqual([v.id, v.service, v.request, v.receive, v.scheduler, v.checktype.kind], ['tcp:192.168.6.240:80', 'http', '/.testpage', 'Test Page', 'wrr', 'negotiate']);
  assert.deepEqual(v.reals.map((r) => `${r.address}:${r.port} ${r.forward}`), ['192.168.6.2:80 gate', '192.168.6.3:80 gate']);
  assert.equal(v.checktimeout, 3);
  assert.equal(v.fallback?.address, '127.0.0.1');
});

test('examples/mail.cf', async () => {
  const c = await loadExample('mail.cf');
  assert.deepEqual(c.virtuals.map((v) => `${v.port}/${v.service}`), ['25/smtp', '110/pop', '143/imap']);
  assert.ok(c.virtuals.every((v) => v.reals.length === 2 && v.failurecount === 2 && v.negotiatetimeout === 10));
  assert.equal(c.virtuals[0]!.emailalertstatus, 1 | 2 | 4);
});

test('examples/ldirectord.cf (every directive)', async () => {
  const c = await loadExample('ldirectord.cf');
  assert.deepEqual(c.virtuals.map((v) => v.id), ['tcp:192.0.2.80:80', 'tcp:192.0.2.33:3306', 'udp:192.0.2.53:53', 'udp:192.0.2.18:1812', 'fwm:7', 'tcp:[2001:db8::80]:80']);
  const web = c.virtuals[0];
  assert.ok(web);
  assert.equal(web.reals.length, 5);
  assert.equal(web.checkinterval, 5);
  assert.deepEqual([web.risecount, web.quorum, web.hysteresis], [2, 2, 1]);
  assert.equal(c.virtuals[2]!.ops, true);
  assert.deepEqual(c.virtuals[4]!.fallback && [c.virtuals[4]!.fallback.address, c.virtuals[4]!.fallback.port], ['127.0.0.1', 0]);
  assert.deepEqual(c.global.execute, ['www.cf', 'mail.cf']);
  assert.match(summarize(c), /virtual fwm:7/);
});
