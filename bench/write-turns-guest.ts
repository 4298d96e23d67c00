/**
 * Guest half of bench/write-turns.ts (runs INSIDE the kernel lab): how many event-loop turns, and
 * how long, one apply() of N addDest writes (S services) takes on the real IPVS kernel, with every
 * write acknowledged (quietWrites: false, the driver before issue 14) or quiet writes (one ACK per
 * datagram), while the loop is busy: each turn burns BUSY_MS of CPU, standing in for a daemon's
 * checks. Turns, not milliseconds, are the figure that does not depend on the host's load: a
 * daemon whose loop turns take a second under load waits that long per turn its writes need.
 * Env: TURNS_SERVICES (10), TURNS_DESTS (100 per service), TURNS_BUSY_MS ('0,20'), TURNS_RUNS (3).
 * Prints one `TURNS {json}` line per run.
 */
import { openIpvs, type IpvsOp, type ServiceKey } from '../src/ipvs/index.js';
import { clearTable } from '../test/e2e-support/ipvs-table.js';

const num = (k: string, d: number): number => (process.env[k] ? Number(process.env[k]) : d);
const SERVICES = num('TURNS_SERVICES', 10);
const DESTS = num('TURNS_DESTS', 100);
const RUNS = num('TURNS_RUNS', 3);
const BUSY = (process.env.TURNS_BUSY_MS ?? '0,20').split(',').map(Number);

const keyOf = (s: number): ServiceKey => ({ family: 4, protocol: 'tcp', address: `10.20.${s >> 8}.${(s & 255) + 1}`, port: 80 });

/** busyLoop burns `ms` of CPU in every loop turn (a setImmediate chain) and counts the turns. */
function busyLoop(ms: number): { turns: () => number; stop: () => void } {
  let turns = 0;
  let on = true;
  const spin = (): void => {
    if (!on) return;
    turns++;
    const until = performance.now() + ms;
    while (performance.now() < until) { /* a turn's worth of check work */ }
    setImmediate(spin);
  };
  setImmediate(spin);
  return { turns: () => turns, stop: () => { on = false; } };
}

async function run(quietWrites: boolean, busyMs: number): Promise<Record<string, unknown>> {
  await clearTable();
  const h = await openIpvs({ quietWrites });
  try {
    const services: IpvsOp[] = Array.from({ length: SERVICES }, (_, s) => ({
      op: 'addService' as const, service: { key: keyOf(s), scheduler: 'wrr', flags: 0, timeout: 0, netmask: '255.255.255.255' },
    }));
    const setup = await h.apply(services);
    if (setup.some((r) => !r.ok)) throw new Error('addService failed');
    const ops: IpvsOp[] = [];
    for (let s = 0; s < SERVICES; s++) {
      for (let d = 0; d < DESTS; d++) {
        ops.push({ op: 'addDest', key: keyOf(s), dest: { address: `127.20.${s}.${d + 1}`, port: 80, forward: 'route', weight: 1, upperThreshold: 0, lowerThreshold: 0 } });
      }
    }
    const loop = busyLoop(busyMs);
    const t0 = performance.now();
    const before = loop.turns();
    const res = await h.apply(ops);
    const ms = performance.now() - t0;
    const turns = loop.turns() - before;
    loop.stop();
    const failed = res.filter((r) => !r.ok).length;
    const listed = (await Promise.all(Array.from({ length: SERVICES }, (_, s) => h.listDests(keyOf(s))))).reduce((n, ds) => n + ds.length, 0);
    return { quietWrites, busyMs, writes: ops.length, failed, inTable: listed, turns, ms: +ms.toFixed(1), window: h.window };
  } finally {
    await h.close();
  }
}

for (let k = 0; k < RUNS; k++) {
  for (const busyMs of BUSY) {
    // Alternate who goes first between runs.
    for (const quiet of k % 2 === 0 ? [false, true] : [true, false]) console.log(`TURNS ${JSON.stringify(await run(quiet, busyMs))}`);
  }
}
await clearTable();
