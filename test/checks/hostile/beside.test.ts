/**
 * Each hostile case of cases.ts beside 1,000 healthy http checks (1,000 reals checked every
 * second against a real nginx): the hostile check ends down with its reason, no healthy check
 * goes down, the process's RSS stays bounded and the event loop keeps turning. The target is a
 * loop delay below 50 ms. The wall-clock delay is not asserted: on the shared 2-core test
 * machine (load average 10+) the healthy load alone showed up to 2 s of it, the scheduler
 * running other processes. What is asserted is the CPU-busy loop gap (harness.ts, busyLagMs),
 * which only this process's own work (a blocking parse, a GC stall) can raise, with a 5x margin
 * over the 50 ms target. Figures: bench/hostile-bench.ts and docs/reliability.md.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CASES } from './cases.js';
import {
  HOSTILE_HOST, HealthyLoad, hostileSpec, runBeside, startHealthySite, startHostileServers, type HealthySite, type HostileServers,
} from './harness.js';

const BUSY_LAG_LIMIT_MS = 250;
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
      assert.equal(m.value.hostile.up, false);
      assert.match(m.value.hostile.message, c.message);
      assert.ok(m.busyLagMs < BUSY_LAG_LIMIT_MS, `CPU-busy loop gap ${m.busyLagMs.toFixed(0)} ms (wall-clock max lag ${m.maxLagMs.toFixed(0)} ms)`);
      assert.ok(m.rssGrowthMiB < RSS_LIMIT_MIB, `RSS grew by ${m.rssGrowthMiB.toFixed(1)} MiB`);
      assert.ok(m.value.healthyChecks > 0, 'the healthy checks kept running');
      assert.equal(load.down, 0, `a healthy check went down: ${load.firstDown}`);
    });
  }
});
