import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfigText, type Config } from '../../src/config/index.js';
import { lazyEngineFactory, type Engine, type EngineFactory } from '../../src/daemon/engine.js';
import { systemClock } from '../../src/util/clock.js';
import { memoryLogger } from '../../src/util/log.js';

async function config(weight: number): Promise<Config> {
  const r = await loadConfigText(`virtual=10.9.9.9:80\n\treal=127.0.0.2:80 masq ${weight}\n\tchecktype=on\n`, '/etc/ha.d/www.cf', { name: 'www' });
  assert.ok(r.ok);
  return r.config;
}

/** recording returns a factory whose engines log every call into `calls`. */
function recording(calls: string[]): EngineFactory {
  return (c): Engine => ({
    async start() { calls.push(`start ${c.virtuals[0]?.reals[0]?.weight}`); },
    async reload(n) { calls.push(`reload ${n.virtuals[0]?.reals[0]?.weight}`); },
    async stop() { calls.push('stop'); },
  });
}

const deps = () => ({ logger: memoryLogger(), clock: systemClock() });

test('lazy engine: the module is loaded on start, not when the engine is built', async () => {
  const calls: string[] = [];
  let loads = 0;
  const factory = lazyEngineFactory(async () => { loads++; return recording(calls); });
  const engine = factory(await config(3), deps());
  assert.equal(loads, 0);
  await engine.start();
  await engine.reload(await config(5));
  await engine.stop();
  assert.equal(loads, 1);
  assert.deepEqual(calls, ['start 3', 'reload 5', 'stop']);
});

test('lazy engine: a failed import is a start error; stop after it resolves', async () => {
  const engine = lazyEngineFactory(async () => { throw new Error('Cannot find module netlink'); })(await config(1), deps());
  await assert.rejects(engine.start(), /Cannot find module netlink/);
  await engine.stop();
});

test('lazy engine: reload before start is refused', async () => {
  const engine = lazyEngineFactory(async () => recording([]))(await config(1), deps());
  await assert.rejects(engine.reload(await config(2)), /not started/);
});
