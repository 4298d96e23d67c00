// A per-virtual checkinterval is honoured with fork=no as with fork=yes (docs/compatibility.md,
// "Per-virtual checkinterval"): from the config text the admin writes to the checks the engine runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfigText, parseServices } from '../../src/config/index.js';
import { createDirector } from '../../src/director/index.js';
import { MemoryIpvs } from '../../src/ipvs/memory.js';
import { memoryLogger } from '../../src/util/log.js';
import { FakeClock, ScriptedCheck } from './helpers.js';

const cf = (fork: string): string => `${fork}checkinterval=10
virtual=10.0.0.1:80
\treal=10.1.0.1:80 masq
\tchecktype=negotiate
\tservice=http
\tcheckinterval=2
virtual=10.0.0.2:80
\treal=10.2.0.1:80 masq
\tchecktype=negotiate
\tservice=http
`;

for (const fork of ['', 'fork=no\n', 'fork=yes\n']) {
  test(`per-virtual checkinterval=2 beside a global 10 (${fork.trim() || 'fork unset'}): checked every 2 s and every 10 s`, async () => {
    const r = await loadConfigText(cf(fork), '/etc/ha.d/ci.cf', { services: parseServices(''), hostname: 'lb1' });
    assert.ok(r.ok, JSON.stringify(!r.ok && r.diagnostics));
    const clock = new FakeClock();
    const check = new ScriptedCheck(clock);
    const d = createDirector(r.config, {
      ipvs: new MemoryIpvs(), clock, logger: memoryLogger(), runCheck: check.fn, hostname: 'lb1', random: () => 0.5, pid: 1,
      sendMail: async () => {}, exec: async () => 0, options: { driftIntervalMs: 0 },
    });
    await d.start();
    await clock.advance(100_000);
    await d.stop();
    const times = (addr: string): number[] => check.calls.filter((c) => c.spec.realAddress === addr).map((c) => c.at);
    const gaps = (t: number[]): number[] => t.slice(1).map((x, i) => x - t[i]!);
    const fast = times('10.1.0.1'), slow = times('10.2.0.1');
    // 100 s: about 50 checks at 2 s, about 10 at 10 s (the first one falls within the first interval).
    assert.ok(fast.length >= 48 && fast.length <= 51, `10.1.0.1 checked ${fast.length} times`);
    assert.ok(slow.length >= 9 && slow.length <= 11, `10.2.0.1 checked ${slow.length} times`);
    assert.deepEqual([...new Set(gaps(fast))], [2000]);
    assert.deepEqual([...new Set(gaps(slow))], [10_000]);
  });
}
