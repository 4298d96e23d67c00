/**
 * IPVS tables are per network namespace (the family is netnsok). The driver, run inside a fresh
 * namespace, must write that namespace's table only: the e2e tests and the demo rely on this to
 * give each scenario its own table.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { assertInLab, ipvsadm } from '../support.js';

assertInLab();

const NS = `labipvs${process.pid}`;
const index = fileURLToPath(new URL('../../../src/ipvs/index.js', import.meta.url));

/** CHILD adds a service through the driver and prints what the driver then lists. */
const CHILD = `
import { openIpvs } from ${JSON.stringify(index)};
const h = await openIpvs();
const key = { family: 4, protocol: 'tcp', address: '10.9.0.1', port: 80 };
const res = await h.apply([{ op: 'addService', service: { key, scheduler: 'rr', flags: 0, timeout: 0, netmask: '255.255.255.255' } }]);
console.log(JSON.stringify({ res: res.map((r) => r.ok), services: (await h.listServices()).map((s) => s.key.address) }));
await h.close();
`;

before(() => {
  ipvsadm('-C');
  execFileSync('ip', ['netns', 'add', NS]);
});
after(() => {
  execFileSync('ip', ['netns', 'del', NS]);
  ipvsadm('-C');
});

test('the driver in another namespace writes that namespace\'s table only', () => {
  ipvsadm('-A', '-t', '10.9.9.9:80', '-s', 'wlc');
  const out = execFileSync('ip', ['netns', 'exec', NS, process.execPath, '--input-type=module', '-e', CHILD], { encoding: 'utf8' });
  assert.deepEqual(JSON.parse(out), { res: [true], services: ['10.9.0.1'] }, 'the child sees only its own service');
  assert.equal(execFileSync('ip', ['netns', 'exec', NS, 'ipvsadm', '-Sn'], { encoding: 'utf8' }), '-A -t 10.9.0.1:80 -s rr\n');
  assert.equal(ipvsadm('-Sn'), '-A -t 10.9.9.9:80 -s wlc\n', 'the initial namespace is untouched');
});
