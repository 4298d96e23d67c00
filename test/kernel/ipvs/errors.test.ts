/**
 * Kernel error paths come back as typed LdErrors, per op; a failing op in the middle of a batch
 * leaves the others applied and its result names it.
 */
import { after, before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import type { IpvsHandle, IpvsOp } from '../../../src/ipvs/types.js';
import type { LdErrorCode } from '../../../src/util/errors.js';
import { assertInLab, dest, ipvsadm, loadDriver, mustApply, svc, tcp } from '../support.js';

assertInLab();

let h: IpvsHandle;
before(async () => { h = await (await loadDriver()).openIpvs(); });
after(async () => { ipvsadm('-C'); await h?.close(); });
beforeEach(() => { ipvsadm('-C'); });

const K = tcp('10.2.2.2', 80);
const MISSING = tcp('10.2.2.99', 80);

test('each kernel error maps to its LdError code, without touching the table', async () => {
  await mustApply(h, [{ op: 'addService', service: svc(K) }, { op: 'addDest', key: K, dest: dest('127.0.0.2', 80) }]);
  const table: { desc: string; op: IpvsOp; code: LdErrorCode; errno: RegExp }[] = [
    { desc: 'duplicate service', op: { op: 'addService', service: svc(K) }, code: 'LD_ERR_IPVS_EXISTS', errno: /EEXIST/ },
    { desc: 'duplicate dest', op: { op: 'addDest', key: K, dest: dest('127.0.0.2', 80) }, code: 'LD_ERR_IPVS_EXISTS', errno: /EEXIST/ },
    { desc: 'edit missing dest', op: { op: 'editDest', key: K, dest: dest('127.0.0.9', 80) }, code: 'LD_ERR_IPVS_NO_DEST', errno: /ENOENT/ },
    { desc: 'delete missing dest', op: { op: 'delDest', key: K, dest: { address: '127.0.0.9', port: 80 } }, code: 'LD_ERR_IPVS_NO_DEST', errno: /ENOENT/ },
    { desc: 'edit missing service', op: { op: 'editService', service: svc(MISSING) }, code: 'LD_ERR_IPVS_NO_SERVICE', errno: /ESRCH/ },
    { desc: 'delete missing service', op: { op: 'delService', key: MISSING }, code: 'LD_ERR_IPVS_NO_SERVICE', errno: /ESRCH/ },
    { desc: 'dest on missing service', op: { op: 'addDest', key: MISSING, dest: dest('127.0.0.2', 80) }, code: 'LD_ERR_IPVS_NO_SERVICE', errno: /ESRCH/ },
    { desc: 'unknown scheduler', op: { op: 'addService', service: svc(tcp('10.2.2.3', 80), { scheduler: 'nosuch' }) }, code: 'LD_ERR_IPVS_NOT_FOUND', errno: /ENOENT/ },
    { desc: 'lower threshold above upper', op: { op: 'editDest', key: K, dest: dest('127.0.0.2', 80, { upperThreshold: 5, lowerThreshold: 10 }) }, code: 'LD_ERR_IPVS_INVALID', errno: /ERANGE/ },
  ];
  const before = ipvsadm('-Sn');
  for (const c of table) {
    const [r] = await h.apply([c.op]);
    assert.ok(r && !r.ok, `${c.desc}: expected a failure`);
    assert.equal(r.error.code, c.code, `${c.desc}: ${r.error.message}`);
    assert.match(r.error.message, c.errno, `${c.desc}: the errno is named in the message`);
  }
  assert.equal(ipvsadm('-Sn'), before, 'failed ops changed nothing');
});

test('a batch with a failing op in the middle applies the others and names the failed one', async () => {
  const ops: IpvsOp[] = [
    { op: 'addService', service: svc(K, { scheduler: 'rr' }) },
    { op: 'addDest', key: K, dest: dest('127.0.0.2', 80) },
    { op: 'editDest', key: K, dest: dest('127.0.0.77', 80, { weight: 9 }) },
    { op: 'addDest', key: K, dest: dest('127.0.0.3', 80, { weight: 4 }) },
    { op: 'addService', service: svc(tcp('10.2.2.4', 443), { scheduler: 'wrr' }) },
  ];
  const res = await h.apply(ops);
  assert.equal(res.length, ops.length, 'one result per op');
  assert.deepEqual(res.map((r) => r.ok), [true, true, false, true, true]);
  const failed = res[2];
  assert.ok(failed && !failed.ok);
  assert.equal(failed.error.code, 'LD_ERR_IPVS_NO_DEST');
  assert.match(failed.error.message, /127\.0\.0\.77/, 'the error names the dest of the failed op');
  assert.equal(ipvsadm('-Sn'), [
    '-A -t 10.2.2.2:80 -s rr',
    '-a -t 10.2.2.2:80 -r 127.0.0.2:80 -g -w 1',
    '-a -t 10.2.2.2:80 -r 127.0.0.3:80 -g -w 4',
    '-A -t 10.2.2.4:443 -s wrr',
    '',
  ].join('\n'));
});

test('a closed handle fails calls with a typed error instead of hanging', async () => {
  const drv = await loadDriver();
  const h2 = await drv.openIpvs();
  await h2.close();
  await assert.rejects(h2.listServices(), (e: { code?: string }) => typeof e.code === 'string' && e.code.startsWith('LD_ERR_'));
});
