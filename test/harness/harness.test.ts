import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { canConnect, freePort, makeTempDir, startHungServer, startNginx, startProcess, waitForPort } from './index.js';

const HOST = '127.0.5.60';

describe('test harness', () => {
  it('startProcess rejects with the output when the child exits before listening', async () => {
    const port = await freePort(HOST);
    await assert.rejects(
      startProcess('sh', ['-c', 'echo boom >&2; exit 3'], { ready: { host: HOST, port }, readyTimeoutMs: 5000 }),
      /exited before listening:[\s\S]*boom/,
    );
  });

  it('stop() ends a process that ignores SIGTERM, and is idempotent', async () => {
    const p = await startProcess('sh', ['-c', "trap '' TERM; while :; do sleep 1; done"]);
    const t0 = Date.now();
    await Promise.all([p.stop(300), p.stop(300)]);
    assert.ok(p.child.exitCode !== null || p.child.signalCode !== null);
    assert.ok(Date.now() - t0 < 5000);
  });

  it('waitForPort gives up after its timeout', async () => {
    const port = await freePort(HOST);
    await assert.rejects(waitForPort(HOST, port, 300), /nothing listening/);
  });

  it('nginx starts on a throwaway config and is gone after stop()', async () => {
    const dir = makeTempDir('harness');
    const port = await freePort(HOST);
    const ng = await startNginx(dir, { ready: { host: HOST, port }, http: `server { listen ${HOST}:${port}; location / { return 204; } }` });
    try {
      assert.equal(await canConnect(HOST, port), true);
    } finally {
      await ng.stop();
      dir.remove();
    }
    assert.equal(await canConnect(HOST, port), false);
  });

  it('a hung server accepts and stays silent', async () => {
    const s = await startHungServer(HOST);
    try {
      assert.equal(await canConnect(HOST, s.port), true);
      for (let i = 0; i < 50 && s.connections() === 0; i++) await new Promise((r) => setTimeout(r, 10));
      assert.equal(s.connections(), 1);
    } finally {
      await s.close();
    }
  });
});
