/**
 * Issue 16 end to end: an http check against a real nginx serving 1 MiB bodies built to make a
 * backtracking engine explode must not hold the event loop. Before RE2, `Test.*Page` on the
 * first body blocked the loop for 210 s (and the other patterns here are as quadratic). Four
 * checks at once held the loop 37-99 ms at a load average of 7 on 2 cores, and 681 ms at 10+
 * (the full suite beside a native build: a process gets a fraction of a core, so every burst
 * of work stretches). The bound (3 s) is that margin, still ~70x under one V8 match.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { SERVICE_CHECKS } from '../../../src/checks/registry.js';
import { freePort, makeSpec, makeTempDir, startNginx, type ServerProcess, type TempDir } from '../../harness/index.js';

const HOST = '127.0.5.33';
const MIB = 1 << 20;
/** maxresponsebytes counts the status line and headers too: room for them on top of a 1 MiB body. */
const HEADROOM = 4096;
const MAX_LAG_MS = 3000;

/** BODIES: file name -> 1 MiB of content (served as is by nginx). */
const BODIES: Record<string, string> = {
  'test-no-page': 'Test'.repeat(MIB / 4),
  'test-then-page': 'Test'.repeat(MIB / 4 - 1) + 'Page',
  'digits': '7'.repeat(MIB),
  'xs': 'x'.repeat(MIB),
};

const CASES: ReadonlyArray<{ file: string; receive: string; up: boolean }> = [
  { file: 'test-no-page', receive: 'Test.*Page', up: false },
  { file: 'test-then-page', receive: 'Test.*Page', up: true },
  { file: 'test-no-page', receive: 'Test.*(Page|Site)', up: false },
  { file: 'digits', receive: '\\d+ bytes', up: false },
  { file: 'xs', receive: '(x+x+)+y', up: false },
];

describe('receive: an http check on a 1 MiB pathological body does not lag the loop', () => {
  let dir: TempDir;
  let nginx: ServerProcess;
  let port = 0;
  before(async () => {
    dir = makeTempDir('receive-loop');
    for (const [name, body] of Object.entries(BODIES)) writeFileSync(dir.join(name), body);
    port = await freePort(HOST);
    nginx = await startNginx(dir, { ready: { host: HOST, port }, http: `server { listen ${HOST}:${port}; root ${dir.path}; }` });
  });
  after(async () => { await nginx?.stop(); dir?.remove(); });

  for (const c of CASES) {
    it(`${JSON.stringify(c.receive)} on /${c.file} is ${c.up ? 'up' : 'down'}`, async (t) => {
      const spec = makeSpec({ service: 'http', realAddress: HOST, checkPort: port, request: `/${c.file}`, receive: c.receive, maxBytes: MIB + HEADROOM, timeoutMs: 20_000 });
      const lag = monitorEventLoopDelay({ resolution: 5 });
      lag.enable();
      // Four at once, as several reals served by the same hostile body would be.
      const results = await Promise.all([1, 2, 3, 4].map(() => SERVICE_CHECKS.http(spec, AbortSignal.timeout(20_000), {})));
      lag.disable();
      for (const r of results) {
        assert.equal(r.up, c.up, r.message);
        if (!c.up) assert.doesNotMatch(r.message, /timeout|abort/i, 'a mismatch, not a deadline');
      }
      const maxMs = lag.max / 1e6;
      t.diagnostic(`max event-loop delay ${maxMs.toFixed(1)} ms`);
      assert.ok(maxMs < MAX_LAG_MS, `event loop lagged ${maxMs.toFixed(0)} ms`);
    });
  }
});
