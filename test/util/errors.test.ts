import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LdError, isLdError } from '../../src/util/errors.js';

test('LdError carries its code and is recognised by isLdError', () => {
  const e = new LdError('LD_ERR_IPVS_EXISTS', 'service exists');
  assert.equal(e.code, 'LD_ERR_IPVS_EXISTS');
  assert.ok(isLdError(e));
  assert.ok(isLdError(e, 'LD_ERR_IPVS_EXISTS'));
  assert.ok(!isLdError(e, 'LD_ERR_CONFIG'));
  assert.ok(!isLdError(new Error('plain')));
});
