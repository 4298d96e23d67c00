/**
 * The host-side parts of the director-pair test (issue 13): the pair client against a real
 * keep-alive HTTP server on loopback (its long-lived connection is one socket, and a lost one is
 * reported, never silently replaced), and the pure renderers and parsers of the topology and the
 * benchmark table.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { join } from 'node:path';
import { PROJECT_ROOT } from './cli.js';
import { waitFor } from './wait.js';
import { collectClientLines, haCf, haresources, parseClientLine, parseDaemons, wwwCf, DIRECTORS, type ClientLine } from '../kernel/e2e/pair-topology.js';
import { table } from '../../bench/pair-lab.js';

test('pair client: fresh requests, named long-lived connections (one idle until probed), their loss reported', async () => {
  const sockets = new Set<Socket>();
  const ports: number[] = [];
  const server: Server = createServer((req, res) => {
    ports.push(req.socket.remotePort ?? 0);
    res.end('real-a\n');
  });
  server.keepAliveTimeout = 600_000;
  server.on('connection', (s: Socket) => { sockets.add(s); });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  const child = spawn(process.execPath, [join(PROJECT_ROOT, 'dist/test/e2e-support/pair-client.js'), '127.0.0.1', String(port)],
    { stdio: ['pipe', 'ignore', 'pipe'] });
  const lines = collectClientLines(child.stderr);
  const longs = (name = 'main'): ClientLine[] => lines.filter((l) => l.kind === 'long' && l.name === name);
  try {
    await waitFor('fresh requests', () => (lines.filter((l) => l.kind === 'fresh' && l.ok && l.text === 'real-a').length >= 3 ? true : undefined), { timeoutMs: 60_000 });
    child.stdin.write('connect idle\n');
    const idle = await waitFor('idle connected', () => longs('idle')[0], { timeoutMs: 60_000 });
    assert.ok(idle.ok && idle.text === 'connected' && idle.port > 0, JSON.stringify(idle));
    child.stdin.write('open main\n');
    const first = await waitFor('long open', () => longs()[0], { timeoutMs: 60_000 });
    assert.ok(first.ok && first.text === 'real-a', JSON.stringify(first));
    assert.equal(ports.filter((p) => p === idle.port).length, 0, 'the idle connection sent no request');
    child.stdin.write('probe idle\n');
    const idleProbe = await waitFor('idle probe', () => longs('idle')[1], { timeoutMs: 60_000 });
    assert.ok(idleProbe.ok && idleProbe.text === 'real-a', JSON.stringify(idleProbe));
    assert.equal(ports.filter((p) => p === idle.port).length, 1, 'its first request came on that connection');
    child.stdin.write('probe main\n');
    const second = await waitFor('long probe', () => longs()[1], { timeoutMs: 60_000 });
    assert.ok(second.ok, JSON.stringify(second));
    assert.equal(second.port, first.port, 'the same connection');
    assert.equal(ports.filter((p) => p === first.port).length, 2, 'the server saw both requests on that connection');
    // The connection dies (as when a director without sync takes over): the next probe fails.
    server.close();
    for (const s of sockets) s.destroy();
    child.stdin.write('probe main\n');
    const third = await waitFor('long probe after loss', () => longs()[2], { timeoutMs: 60_000 });
    assert.equal(third.ok, false, JSON.stringify(third));
  } finally {
    child.stdin.end('stop\n');
    await new Promise((r) => child.on('close', r));
    server.close();
  }
});

test('pair topology renders the seed\'s heartbeat files', () => {
  assert.match(haresources('moved'), /^linuxha1 IPaddr::10\.7\.0\.100\/24\/eth0\/10\.7\.0\.255 ipvsadm ldirectord::www\n$/);
  assert.doesNotMatch(haresources('warm'), /ldirectord/);
  const cf = haCf(DIRECTORS[0]!);
  assert.match(cf, /^ucast eth0 10\.7\.0\.12$/m);
  assert.match(cf, /^node linuxha1$/m);
  assert.match(cf, /^node linuxha2$/m);
  assert.equal(parseClientLine('fresh 12 1 pr1')?.text, 'pr1');
  assert.deepEqual(parseClientLine('long idle 5 0 40000 error read ECONNRESET'), { kind: 'long', name: 'idle', t: 5, ok: false, port: 40000, text: 'error read ECONNRESET' });
  assert.equal(parseClientLine('long 5 0 40000 x'), undefined, 'a long line names its connection');
  assert.deepEqual(parseDaemons('master sync daemon (mcast=eth0, syncid=13, maxlen=1472, group=224.0.0.81, port=8848, ttl=1)\nbackup sync daemon (mcast=eth1, syncid=7)\n'),
    [{ state: 'master', iface: 'eth0', syncid: 13 }, { state: 'backup', iface: 'eth1', syncid: 7 }]);
  assert.match(wwwCf(true), /^syncdaemon = both eth0 syncid=13$/m);
  assert.doesNotMatch(wwwCf(false), /syncdaemon/);
  assert.equal(parseClientLine('count 10'), undefined);
});

test('pair benchmark table: medians per system and case, failures counted', () => {
  const evidence = (mac: string) => ({ mac2: 'aa:02', neighAfter: `10.7.0.100 dev eth0 lladdr ${mac} REACHABLE` });
  const ok = (takeoverMs: number, lost: number, kept: boolean, via = 'aa:02') =>
    ({ system: 'ours', case: 'moved-sync', takeoverMs, lost, kept, upMs: 30_000, idle: { kept: false }, evidence: evidence(via) });
  const t = table([ok(20_000, 100, true), ok(30_000, 150, true), ok(25_000, 120, false, 'aa:01'), { system: 'ours', case: 'moved-sync', error: 'x' }]);
  assert.match(t, /\| ours \(Node\.js\) \| moved-sync \| 3\/4 \| 25\.0 \(20\.0-30\.0\) \| 120 \| 2\/3 \| 0\/3 \| 2\/3 \| 30\.0 \|/);
});
