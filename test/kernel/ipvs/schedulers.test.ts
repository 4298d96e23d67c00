/**
 * Every scheduler the kernel provides: its module loads, the driver creates a service with it
 * and reads it back, and ipvsadm agrees. A module missing from the UML kernel is reported as a
 * skip that names it, never as a silent pass.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { IpvsHandle } from '../../../src/ipvs/types.js';
import { assertInLab, dest, ipvsadm, loadDriver, modprobe, moduleAvailable, mustApply, svc, tcp } from '../support.js';

assertInLab();

/** SCHEDULERS is the list ipvsadm 1.31 documents (`ipvsadm -h`). */
const SCHEDULERS = ['rr', 'wrr', 'lc', 'wlc', 'lblc', 'lblcr', 'dh', 'sh', 'sed', 'nq', 'fo', 'ovf', 'mh'];

let h: IpvsHandle;
before(async () => { h = await (await loadDriver()).openIpvs(); ipvsadm('-C'); });
after(async () => { ipvsadm('-C'); await h?.close(); });

for (const [i, name] of SCHEDULERS.entries()) {
  const mod = `ip_vs_${name}`;
  const available = moduleAvailable(mod);
  test(`scheduler ${name}`, { skip: available ? false : `${mod}.ko is NOT in /usr/lib/uml/modules: scheduler ${name} untested` }, async () => {
    modprobe(mod);
    const key = tcp(`10.3.0.${i + 1}`, 80);
    await mustApply(h, [
      { op: 'addService', service: svc(key, { scheduler: name }) },
      { op: 'addDest', key, dest: dest('127.0.0.2', 80, { weight: 3 }) },
    ]);
    const got = (await h.listServices()).find((s) => s.key.address === key.address);
    assert.equal(got?.scheduler, name, 'read back through the driver');
    assert.match(ipvsadm('-Sn'), new RegExp(`^-A -t 10\\.3\\.0\\.${i + 1}:80 -s ${name}$`, 'm'), 'seen by ipvsadm');
    // Switching scheduler on a live service with dests exercises the module's init/done hooks.
    await mustApply(h, [{ op: 'editService', service: svc(key, { scheduler: 'rr' }) }, { op: 'editService', service: svc(key, { scheduler: name }) }]);
    assert.match(ipvsadm('-Ln'), new RegExp(`^TCP  10\\.3\\.0\\.${i + 1}:80 ${name}\\n  -> 127\\.0\\.0\\.2:80 +Route +3 `, 'm'));
  });
}

test('the persistence engine sip', { skip: moduleAvailable('ip_vs_pe_sip') ? false : 'ip_vs_pe_sip.ko is NOT in /usr/lib/uml/modules' }, async () => {
  modprobe('ip_vs_pe_sip');
  const key = { family: 4 as const, protocol: 'udp' as const, address: '10.3.1.1', port: 5060 };
  await mustApply(h, [{ op: 'addService', service: svc(key, { scheduler: 'rr', flags: 1, timeout: 90, peName: 'sip' }) }]);
  assert.match(ipvsadm('-Sn'), /^-A -u 10\.3\.1\.1:5060 -s rr -p 90 --pe sip$/m);
  assert.equal((await h.listServices()).find((s) => s.key.address === '10.3.1.1')?.peName, 'sip');
});
