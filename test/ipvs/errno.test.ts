// Kernel errno -> LdError code mapping (the table in the task and docs/ipvs.md).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { constants } from 'node:os';
import { errnoName, ipvsError } from '../../src/ipvs/errno.js';

const E = constants.errno;
const cases: { desc: string; errno: number; destOp: boolean; code: string; text: RegExp }[] = [
  { desc: 'EEXIST on a service', errno: E.EEXIST, destOp: false, code: 'LD_ERR_IPVS_EXISTS', text: /Service already exists \(EEXIST\)/ },
  { desc: 'EEXIST on a dest', errno: E.EEXIST, destOp: true, code: 'LD_ERR_IPVS_EXISTS', text: /Destination already exists/ },
  { desc: 'ESRCH', errno: E.ESRCH, destOp: true, code: 'LD_ERR_IPVS_NO_SERVICE', text: /No such service \(ESRCH\)/ },
  { desc: 'ENOENT on a dest op', errno: E.ENOENT, destOp: true, code: 'LD_ERR_IPVS_NO_DEST', text: /No such destination \(ENOENT\)/ },
  { desc: 'ENOENT elsewhere (scheduler)', errno: E.ENOENT, destOp: false, code: 'LD_ERR_IPVS_NOT_FOUND', text: /not found \(ENOENT\)/ },
  { desc: 'EINVAL', errno: E.EINVAL, destOp: false, code: 'LD_ERR_IPVS_INVALID', text: /\(EINVAL\)/ },
  { desc: 'ERANGE', errno: E.ERANGE, destOp: true, code: 'LD_ERR_IPVS_INVALID', text: /out of range \(ERANGE\)/ },
  { desc: 'EPERM', errno: E.EPERM, destOp: false, code: 'LD_ERR_IPVS_PERMISSION', text: /\(EPERM\)/ },
  { desc: 'ENOMEM', errno: E.ENOMEM, destOp: false, code: 'LD_ERR_IPVS_KERNEL', text: /Memory allocation problem \(ENOMEM\)/ },
  { desc: 'EOPNOTSUPP', errno: E.EOPNOTSUPP, destOp: false, code: 'LD_ERR_IPVS_KERNEL', text: /\(EOPNOTSUPP\)/ },
  { desc: 'unknown errno', errno: 4000, destOp: false, code: 'LD_ERR_IPVS_KERNEL', text: /\(errno 4000\)/ },
];
for (const c of cases) {
  test(`errno ${c.desc} -> ${c.code}`, () => {
    const e = ipvsError(c.errno, 'addDest tcp 10.0.0.1:80 -> 10.0.0.2:80', c.destOp);
    assert.equal(e.code, c.code);
    assert.match(e.message, /^addDest tcp 10\.0\.0\.1:80 -> 10\.0\.0\.2:80: /);
    assert.match(e.message, c.text);
    assert.equal((e as unknown as { errno: number }).errno, c.errno);
  });
}

test('errnoName', () => {
  assert.equal(errnoName(E.ENOBUFS), 'ENOBUFS');
  assert.equal(errnoName(99999), 'errno 99999');
});
