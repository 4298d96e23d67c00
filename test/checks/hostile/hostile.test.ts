/**
 * Every check against every hostile server of cases.ts (endless lines, endless multi-line
 * replies, lying length fields, endless trailers, datagram floods): down with the byte budget's
 * reason, long before its timeout, and with this process's memory growing by a small multiple
 * of the 1 MiB bound at most (before the budget, the endless trailers alone grew RSS by 300 MB
 * in 2 s). The bytes read per socket are asserted in byte-budget.test.ts.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runCheck } from '../../../src/checks/run.js';
import { CASES, ORACLE_CASE } from './cases.js';
import { HOSTILE_HOST, hostileSpec, measure, startHostileServers, type HostileServers } from './harness.js';

/** TIMEOUT_MS: far longer than reading 1 MiB takes, so a result before it is the budget's doing. */
const TIMEOUT_MS = 20_000;
/** RSS_LIMIT_MIB: a wide margin over the 1 MiB bound (buffers, parser strings, GC slack). */
const RSS_LIMIT_MIB = 96;
/** CPU_LIMIT_MS: about 10x what reading 16 MiB of one line costs (linear); quadratic was 12 s. */
const CPU_LIMIT_MS = 3000;

describe('checks against hostile servers', () => {
  let servers: HostileServers;
  before(async () => { servers = await startHostileServers(); });
  after(async () => { await servers?.stop(); });

  for (const c of CASES) {
    it(`${c.name}: down with the budget's reason, memory bounded`, async () => {
      const spec = hostileSpec(c, HOSTILE_HOST, servers.port(c), TIMEOUT_MS);
      const m = await measure(() => runCheck(spec, new AbortController().signal));
      assert.equal(m.value.up, false, m.value.message);
      assert.match(m.value.message, c.message);
      assert.ok(m.ms < TIMEOUT_MS / 2, `took ${Math.round(m.ms)} ms`);
      assert.ok(m.rssGrowthMiB < RSS_LIMIT_MIB, `RSS grew by ${m.rssGrowthMiB.toFixed(1)} MiB`);
    });
  }

  it(`${ORACLE_CASE.name}: no budget possible (oracledb opens its own socket): down at the deadline, memory bounded`, async () => {
    const spec = hostileSpec(ORACLE_CASE, HOSTILE_HOST, servers.port(ORACLE_CASE), 3000);
    const m = await measure(() => runCheck(spec, new AbortController().signal));
    assert.deepEqual([m.value.up, m.value.message], [false, 'timeout after 3000 ms']);
    assert.ok(m.rssGrowthMiB < RSS_LIMIT_MIB, `RSS grew by ${m.rssGrowthMiB.toFixed(1)} MiB`);
  });

  // An endless line cost its whole length again per chunk before (a search of a string built by
  // +=): 12 s of CPU at 16 MiB. Linear, it is a few hundred ms; CPU time, so a loaded machine
  // (which stretches wall time) does not make this fail.
  for (const c of CASES.filter((x) => /endless (line|status line)$/.test(x.name))) {
    it(`${c.name}: CPU time linear in the bound (16 MiB)`, async () => {
      const spec = { ...hostileSpec(c, HOSTILE_HOST, servers.port(c), 60_000), maxBytes: 16 << 20 };
      const cpu0 = process.cpuUsage();
      const r = await runCheck(spec, new AbortController().signal);
      const cpu = process.cpuUsage(cpu0);
      assert.equal(r.up, false);
      assert.match(r.message, /16777216 bytes/);
      const ms = (cpu.user + cpu.system) / 1000;
      assert.ok(ms < CPU_LIMIT_MS, `${Math.round(ms)} ms of CPU for 16 MiB`);
    });
  }
});
