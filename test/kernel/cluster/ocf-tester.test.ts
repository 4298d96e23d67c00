/**
 * Pacemaker's contract, checked by resource-agents' own ocf-tester: the ocf:heartbeat:ldirectord
 * agent with its DEFAULT binary (ldirectord=/usr/sbin/ldirectord, no override) drives our package
 * through meta-data, validate-all, start, monitor, stop, the idempotency cases and the run as
 * nobody. The table must be programmed after start and empty after the agent's stop.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { clearTable, readTable } from '../../e2e-support/ipvs-table.js';
import { assertInLab } from '../support.js';
import { installPackage, uninstallPackage } from './package.js';

assertInLab();

const CF = '/etc/ha.d/ocf-www.cf';

before(async () => {
  await clearTable();
  installPackage();
  // /etc/ha.d is a tmpfs copy in the guest (docs/kernel-lab.md): nothing reaches the host.
  writeFileSync(CF, [
    'logfile="/tmp/ocf-www.log"', 'checkinterval=2', '',
    'virtual=192.0.2.110:80', '\treal=127.0.0.2:80 gate', '\treal=127.0.0.3:80 gate', '\tchecktype=on', '',
  ].join('\n'));
});
after(async () => {
  rmSync(CF, { force: true });
  uninstallPackage();
  await clearTable();
});

test('ocf-tester passes with the agent\'s default /usr/sbin/ldirectord = our package', { timeout: 900_000 }, async () => {
  assert.match(readlinkSync('/usr/sbin/ldirectord'), /ldirectord-node\/bin\/ldirectord$/);
  const out = await new Promise<{ code: number | null; text: string }>((resolve) => {
    const c = spawn('ocf-tester', ['-v', '-n', 'ld', '-o', `configfile=${CF}`, '/usr/lib/ocf/resource.d/heartbeat/ldirectord'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    c.stdout.on('data', (d) => { text += d; });
    c.stderr.on('data', (d) => { text += d; });
    c.on('close', (code) => resolve({ code, text }));
  });
  assert.equal(out.code, 0, out.text.slice(-6000));
  assert.match(out.text, /heartbeat\/ldirectord passed all tests/);
  assert.equal((await readTable()).get('TCP 192.0.2.110:80'), undefined, 'the agent\'s final stop left no entries');
});
