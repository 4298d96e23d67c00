/**
 * A kernel without IPVS (this build host's own kernel: no /proc/net/ip_vs, so the generic-netlink
 * family lookup answers "not found"): `ldirectord www start` with the real engine exits 1 with the
 * operator's hint on stderr and in the log, and leaves no daemon and no pid file behind.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { BASIC, Sandbox } from './helpers.js';

test('start on a kernel without IPVS: exit 1, "load the ip_vs module", no daemon, no pid file', { timeout: 60_000 }, async (t) => {
  if (existsSync('/proc/net/ip_vs')) { t.skip('this kernel has IPVS (/proc/net/ip_vs): the case is covered where it does not'); return; }
  const sb = new Sandbox();
  try {
    sb.writeConfig('www', BASIC);
    for (const executable of [true, false]) {
      const r = await sb.ldirectord(['www', 'start'], { env: { LDIRECTORD_ENGINE: '' }, executable });
      assert.equal(r.code, 1, `executable=${executable}: ${r.stderr}`);
      assert.match(r.stderr, /IPVS not available: load the ip_vs module \(modprobe ip_vs\)/);
      assert.equal(existsSync(sb.pidFile('www')), false, 'no pid file left');
      const status = await sb.ldirectord(['www', 'status']);
      assert.equal(status.code, 3, 'status: stopped');
    }
    assert.match(sb.readLog(), /IPVS not available: load the ip_vs module/);
  } finally { sb.cleanup(); }
});
