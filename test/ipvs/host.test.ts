// openIpvs against the host kernel, which has no IPVS: the real netlink addon, the real family
// lookup, and the one clean error an operator must see. Skipped where the host has IPVS.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { openIpvs } from '../../src/ipvs/index.js';

const hostHasIpvs = existsSync('/proc/net/ip_vs');

test('openIpvs on a kernel without IPVS -> LD_ERR_IPVS_UNAVAILABLE, and the process can exit', { skip: hostHasIpvs && 'host kernel has IPVS' }, async () => {
  await assert.rejects(openIpvs({ timeoutMs: 3000 }), {
    name: 'LdError', code: 'LD_ERR_IPVS_UNAVAILABLE', message: 'IPVS not available: load the ip_vs module (modprobe ip_vs)',
  });
  // Twice: the failed open must not leave a socket or listener behind.
  await assert.rejects(openIpvs({ timeoutMs: 3000 }), { code: 'LD_ERR_IPVS_UNAVAILABLE' });
  assert.equal(process.listenerCount('exit'), 0);
});
