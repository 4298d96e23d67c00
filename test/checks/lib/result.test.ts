/** The shared result helpers: errorText in both styles, clip, targetPort. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { clip, errorText, MESSAGE_LIMIT } from '../../../src/checks/lib/result.js';
import { targetPort } from '../../../src/checks/lib/socket.js';
import { fail } from '../../../src/checks/lib/deadline.js';
import { makeSpec } from '../../harness/index.js';

const refused = (): Error => Object.assign(new Error('connect ECONNREFUSED 1.2.3.4:389'), { code: 'ECONNREFUSED' });
const ssl = (): Error => Object.assign(
  new Error('80CC42A6977F0000:error:0A00010B:SSL routines:ssl3_get_record:wrong version number:../deps/x.c:350:'),
  { code: 'ERR_SSL_WRONG_VERSION_NUMBER' });
const undici = (): Error => Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) });

describe('errorText', () => {
  const cases: Array<{ desc: string; err: unknown; errno: string; detail: string }> = [
    { desc: 'socket error', err: refused(), errno: 'ECONNREFUSED', detail: 'connect ECONNREFUSED 1.2.3.4:389' },
    { desc: 'OpenSSL error', err: ssl(), errno: 'ERR_SSL_WRONG_VERSION_NUMBER', detail: 'ERR_SSL_WRONG_VERSION_NUMBER: wrong version number' },
    { desc: 'code missing from the text', err: Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), errno: 'ECONNRESET', detail: 'ECONNRESET: socket hang up' },
    { desc: 'undici wraps the errno in cause', err: undici(), errno: 'ECONNREFUSED', detail: 'ECONNREFUSED' },
    { desc: 'our own failure is verbatim (not LD_ERR_CHECK)', err: fail('HELO: 550 bad name'), errno: 'HELO: 550 bad name', detail: 'HELO: 550 bad name' },
    { desc: 'plain error: its first line', err: new Error('boom\nstack-ish'), errno: 'boom', detail: 'boom' },
    { desc: 'numeric code (FTP reply) keeps the text', err: Object.assign(new Error('530 Login incorrect.'), { code: 530 }), errno: '530 Login incorrect.', detail: '530 Login incorrect.' },
    { desc: 'error-like object', err: { name: 'ResponseNotNeeded', message: 'response not needed' }, errno: 'response not needed', detail: 'response not needed' },
    { desc: 'a string', err: 'x', errno: 'x', detail: 'x' },
  ];
  for (const c of cases) {
    it(c.desc, () => {
      assert.equal(errorText(c.err), c.errno, 'default style is errno');
      assert.equal(errorText(c.err, 'errno'), c.errno);
      assert.equal(errorText(c.err, 'detail'), c.detail);
    });
  }
  it('is bounded by MESSAGE_LIMIT', () => {
    assert.equal(errorText('x'.repeat(500)).length, MESSAGE_LIMIT + 3);
    assert.equal(errorText(new Error('y'.repeat(500)), 'detail').length, MESSAGE_LIMIT + 3);
  });
});

describe('clip', () => {
  it('keeps short text and marks a cut', () => {
    assert.equal(clip('abc'), 'abc');
    assert.equal(clip('abcdef', 3), 'abc...');
    assert.equal(clip('z'.repeat(MESSAGE_LIMIT)), 'z'.repeat(MESSAGE_LIMIT));
  });
});

describe('targetPort', () => {
  it('falls back to the well-known port', () => {
    assert.equal(targetPort(makeSpec({ checkPort: 0 }), 25), 25);
    assert.equal(targetPort(makeSpec({ checkPort: 2525 }), 25), 2525);
  });
});
