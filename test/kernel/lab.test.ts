/**
 * The lab's own promises, checked from inside the guest: a kernel with IPVS, the places daemons
 * write to masked by tmpfs (hostfs is the host's real filesystem), loopback up, netns usable.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { assertInLab, ipvsadm } from './support.js';

assertInLab();

function mounts(): Map<string, string> {
  const m = new Map<string, string>();
  for (const line of readFileSync('/proc/mounts', 'utf8').split('\n')) {
    const [, point, type] = line.split(' ');
    if (point && type) m.set(point, type);
  }
  return m;
}

test('the guest runs a UML kernel with IPVS loaded', () => {
  assert.match(readFileSync('/proc/version', 'utf8'), /^Linux version 6\./);
  assert.match(readFileSync('/proc/modules', 'utf8'), /^ip_vs /m);
  assert.match(ipvsadm('-Ln'), /^IP Virtual Server version \d+\.\d+\.\d+ \(size=\d+\)\n/);
});

test('writable system directories are tmpfs, the project is hostfs', () => {
  const m = mounts();
  const table = [
    { desc: 'tmp', point: '/tmp', type: 'tmpfs' },
    { desc: 'run', point: '/run', type: 'tmpfs' },
    { desc: 'logs', point: '/var/log', type: 'tmpfs' },
    { desc: 'root home', point: '/root', type: 'tmpfs' },
    { desc: 'shm', point: '/dev/shm', type: 'tmpfs' },
    { desc: 'root fs', point: '/', type: 'hostfs' },
  ];
  for (const c of table) assert.equal(m.get(c.point), c.type, `${c.desc}: ${c.point}`);
  assert.ok(m.has('/lib/modules') || m.has('/usr/lib/modules'), 'UML modules bound on /lib/modules');
});

test('loopback is up and network namespaces work', () => {
  assert.match(execFileSync('ip', ['-o', 'link', 'show', 'lo'], { encoding: 'utf8' }), /UP/);
  const ns = `labtest${process.pid}`;
  execFileSync('ip', ['netns', 'add', ns]);
  try {
    const out = execFileSync('ip', ['netns', 'exec', ns, 'ip', '-o', 'link'], { encoding: 'utf8' });
    assert.match(out, /\blo\b/);
  } finally {
    execFileSync('ip', ['netns', 'del', ns]);
  }
});
