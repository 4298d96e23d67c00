// The syncdaemon= directive (extension): the IPVS connection-sync daemons, checked at load with file:line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkErrors, checkFields, ok, warnings } from './helpers.js';
import { isMulticast } from '../../src/config/syncdaemon-directive.js';

test('syncdaemon=: absent = not managed; master, backup, both; options; repeated once per state', async () => {
  assert.equal((await ok('')).global.syncdaemon, undefined);
  const cases = [
    { desc: 'both', cf: 'syncdaemon = both eth1 syncid=10\n', want: [
      { state: 'master', interface: 'eth1', syncid: 10, line: 1 }, { state: 'backup', interface: 'eth1', syncid: 10, line: 1 }] },
    { desc: 'master with every option', cf: '# pair A\nsyncdaemon=master eth0.7 syncid=255 maxlen=1400 group=239.1.2.3 port=8849 ttl=2  # comment\n',
      want: [{ state: 'master', interface: 'eth0.7', syncid: 255, maxlen: 1400, group: '239.1.2.3', port: 8849, ttl: 2, line: 2 }] },
    { desc: 'IPv6 group, quoted', cf: 'syncdaemon="backup bond0 syncid=0 group=ff02::81"\n',
      want: [{ state: 'backup', interface: 'bond0', syncid: 0, group: 'ff02::81', line: 1 }] },
    { desc: 'master and backup on two lines, own interfaces', cf: 'syncdaemon = master eth1 syncid=1\nsyncdaemon = backup eth2 syncid=2\n',
      want: [{ state: 'master', interface: 'eth1', syncid: 1, line: 1 }, { state: 'backup', interface: 'eth2', syncid: 2, line: 2 }] },
  ];
  for (const c of cases) await checkFields({ desc: c.desc, cf: c.cf, want: { 'global.syncdaemon': c.want } });
});

test('syncdaemon=: a missing syncid is a warning naming the line; an explicit one is not', async () => {
  const w = await warnings('checkinterval=2\nsyncdaemon = both eth1\n');
  assert.deepEqual(w.map((d) => [d.line, d.directive]), [[2, 'syncdaemon']]);
  assert.match(w[0]!.message, /syncid 0 takes the connections of every director pair/);
  assert.deepEqual(await warnings('syncdaemon = both eth1 syncid=0\n'), []);
});

test('syncdaemon=: mistakes are errors at file:line and nothing is configured', async () => {
  const cases: { desc: string; value: string; msg: RegExp }[] = [
    { desc: 'empty', value: '', msg: /must start with master, backup or both/ },
    { desc: 'keepalived order', value: 'eth1 master', msg: /must start with master, backup or both.*got "eth1"/ },
    { desc: 'no interface', value: 'both', msg: /needs the interface/ },
    { desc: 'option instead of interface', value: 'both syncid=3', msg: /needs the interface/ },
    { desc: 'interface too long', value: 'master averyveryverylongname0', msg: /not a network interface name/ },
    { desc: 'alias label', value: 'master eth0:1', msg: /not a network interface name/ },
    { desc: 'syncid > 255 (the sync header has one byte)', value: 'both eth1 syncid=256', msg: /syncid must be 0\.\.255, got "256"/ },
    { desc: 'syncid not a number', value: 'both eth1 syncid=ten', msg: /syncid must be 0\.\.255/ },
    { desc: 'unicast group', value: 'both eth1 syncid=1 group=10.0.0.2', msg: /group must be a multicast address/ },
    { desc: 'unicast v6 group', value: 'both eth1 syncid=1 group=2001:db8::1', msg: /group must be a multicast address/ },
    { desc: 'port 0', value: 'both eth1 syncid=1 port=0', msg: /port must be 1\.\.65535/ },
    { desc: 'ttl 0', value: 'both eth1 syncid=1 ttl=0', msg: /ttl must be 1\.\.255/ },
    { desc: 'maxlen too big', value: 'both eth1 syncid=1 maxlen=70000', msg: /maxlen must be 1\.\.65535/ },
    { desc: 'keepalived spelling', value: 'both eth1 id 3', msg: /unknown option "id"/ },
    { desc: 'option twice', value: 'both eth1 syncid=1 syncid=2', msg: /syncid is given twice/ },
  ];
  for (const c of cases) {
    await checkErrors({ desc: c.desc, cf: `checkinterval=2\nsyncdaemon = ${c.value}\n`, want: [[2, 'syncdaemon', c.msg]] });
  }
  await checkErrors({ desc: 'a state twice', cf: 'syncdaemon = both eth1 syncid=1\n\nsyncdaemon = backup eth2 syncid=1\n',
    want: [[3, 'syncdaemon', /backup sync daemon is already configured at line 1/]] });
});

test('isMulticast: 224/4 and ff00::/8 only', () => {
  for (const [a, want] of [['224.0.0.81', true], ['239.255.255.255', true], ['240.0.0.1', false], ['223.1.1.1', false],
    ['ff02::81', true], ['FF05::1', true], ['fe80::1', false], ['eth0', false]] as const) assert.equal(isMulticast(a), want, a);
});
