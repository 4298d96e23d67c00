/**
 * Host-side checks of the guest init script: what it mounts, loads and runs, and that hostile
 * strings (quotes, env names) cannot break out of it. Booting is tested by `npm run lab`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { renderGuestInit, shQuote, type GuestInitOptions } from './guest-init.js';

const base: GuestInitOptions = {
  workDir: '/var/tmp/ldlab-x', cwd: '/work/main', env: {}, masks: ['/run', '/var/log'], empties: ['/root'],
  copyMasks: ['/etc/ha.d'], modules: ['ip_vs', 'ip_vs_wrr'],
};

test('shQuote survives every quote character through a real shell', () => {
  const table = [
    { desc: 'plain', s: 'abc' },
    { desc: 'single quote', s: "it's" },
    { desc: 'double quote and dollar', s: '"$HOME" `id`' },
    { desc: 'newline and backslash', s: 'a\nb\\c' },
  ];
  for (const c of table) {
    assert.equal(execFileSync('/bin/sh', ['-c', `printf %s ${shQuote(c.s)}`], { encoding: 'utf8' }), c.s, c.desc);
  }
});

test('the init script mounts, loads, runs and reports in order', () => {
  const s = renderGuestInit({ ...base, env: { FOO: "x'y" } });
  const order = [
    'mount -t proc proc /proc',
    'mount -t tmpfs -o mode=1777 tmp /tmp',
    "for d in '/run' '/var/log'; do",
    "for d in '/root'; do",
    "for d in '/etc/ha.d'; do",
    'mount --bind /usr/lib/uml/modules /lib/modules',
    'ip link set lo up',
    "for m in 'ip_vs' 'ip_vs_wrr'; do",
    "export FOO='x'\\''y'",
    "cd '/work/main'",
    "/bin/sh '/var/tmp/ldlab-x'/script.sh",
    "mv '/var/tmp/ldlab-x'/rc.tmp '/var/tmp/ldlab-x'/rc",
    'poweroff -f',
  ];
  let at = 0;
  for (const line of order) {
    const i = s.indexOf(line, at);
    assert.ok(i >= at, `missing or out of order: ${line}`);
    at = i + line.length;
  }
  execFileSync('/bin/sh', ['-n', '-c', s]);
});

test('an invalid env name is refused', () => {
  assert.throws(() => renderGuestInit({ ...base, env: { 'A;rm -rf /': '1' } }), /invalid env name/);
});
