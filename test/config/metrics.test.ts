// The metrics= directive (extension): off by default, loopback for a bare port, errors with file:line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkErrors, checkFields, ok } from './helpers.js';

test('metrics=: off by default; a port listens on loopback; addresses written out are kept; no = off', async () => {
  assert.equal((await ok('')).global.metrics, undefined);
  await checkFields({ desc: 'port', cf: 'metrics=9469\n', want: { 'global.metrics': { address: '127.0.0.1', port: 9469 } } });
  await checkFields({ desc: 'v4', cf: 'metrics=0.0.0.0:9469\n', want: { 'global.metrics': { address: '0.0.0.0', port: 9469 } } });
  await checkFields({ desc: 'v6', cf: 'metrics=[::1]:9469\n', want: { 'global.metrics': { address: '::1', port: 9469 } } });
  assert.equal((await ok('metrics=9469\nmetrics=no\n')).global.metrics, undefined);
});

test('metrics=: bad values are errors naming the line', async () => {
  for (const bad of ['yes', '0', '70000', 'localhost:9469', '1.2.3:80', '[zz]:80', '']) {
    await checkErrors({ desc: bad, cf: `checkinterval=2\nmetrics=${bad}\n`, want: [[2, 'metrics', /metrics must be PORT, ADDRESS:PORT, \[IPv6\]:PORT or no/]] });
  }
});
