import { waitUntil } from '../harness/wait.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfigText, type Config } from '../../src/config/index.js';
import { checksUsedBy, directorEngineFactory } from '../../src/daemon/director-engine.js';
import { MemoryIpvs } from '../../src/ipvs/memory.js';
import { systemClock } from '../../src/util/clock.js';
import { memoryLogger } from '../../src/util/log.js';

const dir = mkdtempSync(join(tmpdir(), 'ld-engine-'));

async function load(text: string): Promise<Config> {
  const file = join(dir, 'www.cf');
  writeFileSync(file, text);
  const r = await loadConfigText(text, file, { name: 'www' });
  assert.ok(r.ok, r.ok ? '' : JSON.stringify(r.diagnostics));
  return r.config;
}

// checktype=on: the real is up without any network I/O, so this exercises only the wiring.
const base = (weight: number) => `checkinterval=1
virtual=10.9.9.9:80
\treal=127.0.0.2:80 masq ${weight}
\tchecktype=on
\tservice=http
`;

const until = (cond: () => boolean, ms = 5000): Promise<void> => waitUntil('condition not reached', cond, ms, 20);

test('director engine: start programs IPVS, reload edits the weight, stop cleans up and closes the handle', async () => {
  const ipvs = new MemoryIpvs();
  let closed = false;
  const close = ipvs.close.bind(ipvs);
  ipvs.close = async () => { closed = true; await close(); };
  const logger = memoryLogger();
  const engine = directorEngineFactory(async () => ipvs)(await load(base(3)), { logger, clock: systemClock() });
  await engine.start();
  try {
    await until(() => ipvs.log.some((op) => op.op === 'addDest'));
    const [svc] = await ipvs.listServices();
    assert.ok(svc);
    const dests = await ipvs.listDests(svc.key);
    assert.deepEqual(dests.map((d) => [d.address, d.port, d.weight, d.forward]), [['127.0.0.2', 80, 3, 'masq']]);

    const before = ipvs.writes;
    await engine.reload(await load(base(3)));
    assert.equal(ipvs.writes, before, 'an unchanged reload writes nothing');

    await engine.reload(await load(base(7)));
    await until(() => ipvs.log.some((op) => op.op === 'editDest'));
    const after = await ipvs.listDests(svc.key);
    assert.equal(after[0]?.weight, 7);
  } finally {
    await engine.stop();
  }
  assert.deepEqual(await ipvs.listServices(), [], 'cleanstop removes the virtual service');
  assert.ok(closed, 'the IPVS handle is closed on stop');
});

test('director engine: an IPVS open failure is a start error, not a crash', async () => {
  const engine = directorEngineFactory(async () => { throw new Error('IPVS not available: load the ip_vs module (modprobe ip_vs)'); })(
    await load(base(1)), { logger: memoryLogger(), clock: systemClock() });
  await assert.rejects(engine.start(), /IPVS not available/);
  await engine.stop();
});

test('checksUsedBy: the kinds and services each checktype can run (preloaded before the first round)', async () => {
  const cfg = await load(`virtual=10.9.9.9:80
\treal=127.0.0.2:80 masq
\tchecktype=negotiate
\tservice=http

virtual=10.9.9.9:25
\treal=127.0.0.2:25 masq
\tchecktype=3
\tservice=smtp

virtual=10.9.9.9:53
\treal=127.0.0.2:53 masq
\tchecktype=connect

virtual=10.9.9.9:443
\treal=127.0.0.2:443 masq
\tchecktype=external
\tservice=https
`);
  const used = checksUsedBy(cfg);
  assert.deepEqual([...used.services].sort(), ['http', 'smtp']);
  assert.deepEqual([...used.kinds].sort(), ['connect', 'external', 'ping']);
});
