/**
 * Each hostile case of cases.ts beside 1,000 healthy http checks (1,000 reals checked at the
 * default checkinterval of 10 s against a real nginx; bench/hostile-bench.ts also measures
 * 1,000 checks/s): the hostile check ends down with its reason, no healthy check
 * goes down, the process's RSS stays bounded and the event loop keeps turning. The target is a
 * loop delay below 50 ms. The wall-clock delay is not asserted: on the shared 2-core test
 * machine (load average 10+) the healthy load alone showed up to 2 s of it, the scheduler
 * running other processes. What is asserted is the CPU-busy loop gap (harness.ts, busyLagMs),
 * which mostly this process's own work (a blocking parse, a GC stall) raises. Catch-up work
 * after the process was descheduled raises it too: the healthy load alone reached 244 ms there.
 * So the margin is 20x the 50 ms target: what a blocked loop does (seconds) fails it, the
 * machine's load does not. Memory, the failure this issue measured, has its own bound below.
 * Figures: bench/hostile-bench.ts and docs/reliability.md.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CASES } from './cases.js';
import {
  HOSTILE_HOST, HealthyLoad, hostileSpec, runBeside, startHealthySite, startHostileServers, type HealthySite, type HostileServers,
} from './harness.js';

const BUSY_LAG_LIMIT_MS = 1000;
const RSS_LIMIT_MIB = 128;

describe('hostile servers beside 1,000 healthy checks', () => {
  let site: HealthySite;
  let servers: HostileServers;
  let load: HealthyLoad;
  before(async () => {
    site = await startHealthySite();
    servers = await startHostileServers();
    load = new HealthyLoad(site);
    await load.start();
  });
  after(async () => {
    await load?.stop();
    await servers?.stop();
    await site?.stop();
  });

  for (const c of CASES) {
    it(`${c.name}: the loop keeps turning, memory bounded, healthy checks stay up`, async () => {
      const m = await runBeside(load, hostileSpec(c, HOSTILE_HOST, servers.port(c), 20_000), 300);
      const figures = `hostile: ${m.value.hostile.message} (${m.value.hostileRuns} runs in ${Math.round(m.ms)} ms); `
        + `CPU-busy loop gap ${m.busyLagMs.toFixed(0)} ms, wall-clock max lag ${m.maxLagMs.toFixed(0)} ms; `
        + `RSS +${m.rssGrowthMiB.toFixed(1)} MiB; healthy checks in the window ${m.value.healthyChecks}`;
      assert.equal(m.value.hostile.up, false, figures);
      assert.match(m.value.hostile.message, c.message, figures);
      assert.ok(m.busyLagMs < BUSY_LAG_LIMIT_MS, figures);
      assert.ok(m.rssGrowthMiB < RSS_LIMIT_MIB, figures);
      assert.equal(load.down, 0, `a healthy check went down: ${load.firstDown}; ${figures}`);
    });
  }
});
