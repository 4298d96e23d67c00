// The /etc/services parser and the Names resolver (injected resolver, literals, families).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseServices } from '../../src/config/services.js';
import { Names } from '../../src/config/resolve.js';

const TABLE = parseServices('# comment\nsmtp\t\t25/tcp\t\tmail\ndomain 53/tcp # DNS\ndomain 53/udp\nsyslog 514/udp\nbad line\nhttp 80/tcp www\nhttp 8080/tcp\n');

test('parseServices: names, aliases, protocols, first entry wins', () => {
  const cases: [string, '' | 'tcp' | 'udp', number | undefined][] = [
    ['smtp', 'tcp', 25], ['mail', 'tcp', 25], ['smtp', 'udp', undefined], ['smtp', '', 25],
    ['domain', 'udp', 53], ['syslog', '', 514], ['syslog', 'tcp', undefined], ['http', 'tcp', 80], ['www', '', 80], ['nope', '', undefined],
  ];
  for (const [name, proto, want] of cases) assert.equal(TABLE.port(name, proto), want, `${name}/${proto}`);
});

test('parseServices reads the real /etc/services when present', async () => {
  const { readFile } = await import('node:fs/promises');
  const text = await readFile('/etc/services', 'utf8').catch(() => undefined);
  if (text === undefined) return;
  assert.equal(parseServices(text).port('domain', 'udp'), 53);
});

test('Names.host: literals skip the resolver, wrong family is undefined, names are cached', async () => {
  const calls: string[] = [];
  const names = new Names(async (h, f) => { calls.push(`${h}/${f}`); return h === 'a.test' ? (f === 4 ? '192.0.2.1' : '2001:DB8::0:1') : undefined; }, TABLE);
  assert.equal(await names.host('192.0.2.9', 4), '192.0.2.9');
  assert.equal(await names.host('192.0.2.9', 6), undefined);
  assert.equal(await names.host('[2001:db8:0::9]', 6), '2001:db8::9');
  assert.equal(await names.host('2001:db8::9', 4), undefined);
  assert.equal(await names.host('a.test', 4), '192.0.2.1');
  assert.equal(await names.host('a.test', 4), '192.0.2.1');
  assert.equal(await names.host('a.test', 6), '2001:db8::1');
  assert.equal(await names.host('[a.test]', 6), undefined);
  assert.deepEqual(calls, ['a.test/4', 'a.test/6']);
});

test('Names.host rejects a resolver answer of the wrong family', async () => {
  const names = new Names(async () => '192.0.2.1', TABLE);
  assert.equal(await names.host('x.test', 6), undefined);
});

test('Names.port: numbers, range, names per protocol', () => {
  const names = new Names(async () => undefined, TABLE);
  assert.deepEqual(names.port('0', 'tcp'), { port: 0 });
  assert.deepEqual(names.port('65535', ''), { port: 65535 });
  assert.deepEqual(names.port('65536', ''), { error: 'port must be 0..65535, got 65536' });
  assert.deepEqual(names.port('domain', 'udp'), { port: 53 });
  assert.match((names.port('syslog', 'tcp') as { error: string }).error, /unknown service name "syslog" for tcp/);
});

test('dnsResolver resolves localhost without external DNS', async () => {
  const { dnsResolver } = await import('../../src/config/resolve.js');
  assert.equal(await dnsResolver('localhost', 4), '127.0.0.1');
});
