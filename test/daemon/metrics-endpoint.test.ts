import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { metricsEndpoint } from '../../src/daemon/metrics-endpoint.js';
import { freePort } from '../harness/index.js';
import { encoded } from '../../src/director/exposition.js';
import { memoryLogger } from '../../src/util/log.js';

const get = async (port: number): Promise<number | string> => {
  try { return (await fetch(`http://127.0.0.1:${port}/metrics`)).status; } catch (e) { return (e as { cause?: { code?: string } }).cause?.code ?? 'error'; }
};

test('metrics endpoint: follows the directive across reloads; a port in use is logged and tried again', async () => {
  const logger = memoryLogger();
  const ep = metricsEndpoint(logger, (sink) => sink.sample(encoded('up'), undefined, 1));
  const [a, b] = [await freePort(), await freePort()];
  await ep.sync({ address: '127.0.0.1', port: a });
  assert.equal(await get(a), 200);
  const body = await (await fetch(`http://127.0.0.1:${a}/metrics`)).text();
  assert.equal(body, 'up 1\n');
  await ep.sync({ address: '127.0.0.1', port: b });
  assert.equal(await get(b), 200);
  assert.equal(await get(a), 'ECONNREFUSED', 'the old address is closed');

  // Something else holds the next port: logged, no crash; the next sync (a reload) tries again.
  const c = await freePort();
  const squatter = createServer();
  await new Promise<void>((r) => squatter.listen(c, '127.0.0.1', r));
  await ep.sync({ address: '127.0.0.1', port: c });
  assert.ok(logger.lines.some((l) => l === `error: Can not serve metrics on 127.0.0.1:${c}: EADDRINUSE`), logger.lines.join('\n'));
  await new Promise<void>((r) => squatter.close(() => r()));
  await ep.sync({ address: '127.0.0.1', port: c });
  assert.equal(await get(c), 200);
  await ep.sync(undefined);
  assert.equal(await get(c), 'ECONNREFUSED');
});
