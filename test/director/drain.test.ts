import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DrainList, decodeDrains, encodeDrains, matches, parseTarget, targetString } from '../../src/director/drain.js';
import { real, virtual } from './helpers.js';

test('drain targets: IPv4 and IPv6, with and without a port, canonical spelling', () => {
  assert.deepEqual(parseTarget('10.1.0.1'), { family: 4, address: '10.1.0.1' });
  assert.deepEqual(parseTarget('10.1.0.1:8080'), { family: 4, address: '10.1.0.1', port: 8080 });
  assert.deepEqual(parseTarget('[2001:DB8:0::1]:80'), { family: 6, address: '2001:db8::1', port: 80 });
  assert.deepEqual(parseTarget('2001:db8::1'), { family: 6, address: '2001:db8::1' });
  assert.equal(targetString(parseTarget('[2001:db8::1]:80')), '[2001:db8::1]:80');
  for (const bad of ['www.example.com', '10.1.0.256', '10.1.0.1:http', '10.1.0.1:70000', '', '[zz::1]:80']) {
    assert.throws(() => parseTarget(bad), { code: 'LD_ERR_USAGE' }, bad);
  }
});

test('drain matching: the configured port or the kernel port; address-only covers every port', () => {
  const gate = virtual('10.0.0.1', 80, [], {});
  const r = real('10.1.0.1', { port: 0, forward: 'gate' });
  assert.ok(matches(parseTarget('10.1.0.1:80'), gate, r), 'gate uses the virtual port');
  assert.ok(matches(parseTarget('10.1.0.1'), gate, r));
  assert.ok(!matches(parseTarget('10.1.0.1:81'), gate, r));
  assert.ok(!matches(parseTarget('10.1.0.2'), gate, r));
  const list = new DrainList();
  list.add(parseTarget('10.1.0.1'), 'rack', 1);
  list.add(parseTarget('10.1.0.1:80'), 'port', 2);
  assert.equal(list.find(gate, r)?.reason, 'port', 'a drain with a port wins');
  assert.ok(list.remove(parseTarget('10.1.0.1:80')));
  assert.equal(list.size, 0, 'enabling ADDRESS:PORT also lifts the address-wide drain covering it');
});

test('drain state file: round trip, and a damaged file is an error, not a guess', () => {
  const recs = [{ target: '10.1.0.1:80', reason: 'kernel "upgrade"', since: 1700000000000 }];
  assert.deepEqual(decodeDrains(encodeDrains(recs)), recs);
  for (const bad of ['', '{', '{"version":2,"drains":[]}', '{"version":1,"drains":[{"target":"x","reason":"","since":1}]}', '{"version":1,"drains":[{"target":"10.1.0.1"}]}']) {
    assert.throws(() => decodeDrains(bad), (e: { code?: string }) => e.code === 'LD_ERR_STATE' || e.code === 'LD_ERR_USAGE', bad);
  }
});
