/**
 * show, drain and enable through the real daemon: bin/ldirectord started as an admin starts it,
 * real checks against a real nginx and a closed port, the control socket, the drain state file.
 * The engine is the real director over an in-memory IPVS table (LDIRECTORD_ENGINE=memory); the
 * kernel lab runs `show` against the kernel's table (test/kernel/e2e/show.test.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, makeTempDir, startNginx, type ServerProcess } from '../harness/index.js';
import { pollUntil } from '../harness/wait.js';
import type { HealthSnapshot, RealView } from '../../src/director/health.js';
import { Sandbox } from './helpers.js';

const ENV = { LDIRECTORD_ENGINE: 'memory', TZ: 'UTC' };

type Nginx = { stop: () => Promise<void>; proc: ServerProcess };

async function nginxOn(port: number): Promise<Nginx> {
  const dir = makeTempDir('show-nginx');
  const proc = await startNginx(dir, {
    http: `server { listen 127.0.0.1:${port}; location = /.testpage { return 200 "Test Page\\n"; } }`,
    ready: { host: '127.0.0.1', port },
  });
  return { proc, stop: async () => { await proc.stop(); dir.remove(); } };
}

function cfg(up: number, dead: number): string {
  return `checkinterval=1
checktimeout=2
quiescent=yes
virtual=10.9.9.9:80
\treal=127.0.0.1:${up} masq 3
\treal=127.0.0.1:${dead} masq 1
\tfallback=127.0.0.1:${dead + 1} masq
\tservice=http
\trequest="/.testpage"
\treceive="Test Page"
\tchecktype=negotiate
\tscheduler=wrr
`;
}

async function showJson(sb: Sandbox): Promise<HealthSnapshot> {
  const r = await sb.ldirectord(['www', 'show', '--json'], { env: ENV });
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as HealthSnapshot;
}

const realAt = (h: HealthSnapshot, port: number): RealView | undefined => h.virtuals[0]?.reals.find((r) => r.port === port);

async function until(sb: Sandbox, what: string, pred: (h: HealthSnapshot) => boolean, ms = 20_000): Promise<HealthSnapshot> {
  let last: HealthSnapshot | undefined;
  const ok = await pollUntil(async () => { last = await showJson(sb); return pred(last); }, ms, 200);
  assert.ok(ok, `${what}; last view: ${JSON.stringify(last, null, 1)}`);
  return last!;
}

/**
 * withWww runs one test against a daemon-less sandbox whose www.cf has a real answered by nginx
 * (`up`) and one nothing listens on (`dead`), and tears both down afterwards.
 */
async function withWww(body: (sb: Sandbox, up: number, dead: number, nginx: Nginx) => Promise<void>): Promise<void> {
  const sb = new Sandbox();
  const [up, dead] = [await freePort(), await freePort()];
  const nginx = await nginxOn(up);
  try {
    sb.writeConfig('www', cfg(up, dead));
    await body(sb, up, dead, nginx);
  } finally {
    await nginx.stop().catch(() => {});
    sb.cleanup();
  }
}

test('show: the ipvsadm layout with health columns, --json, 0600 socket; no daemon = exit 3', () => withWww(async (sb, up, dead, nginx) => {
    const none = await sb.ldirectord(['www', 'show'], { env: ENV });
    assert.equal(none.code, 3);
    assert.match(none.stderr, /ldirectord is stopped for .*www \(no daemon answers on .*ldirectord\.www\.sock\)/);
    assert.equal(none.stdout, '');

    const start = await sb.ldirectord(['www', 'start'], { env: ENV, executable: true });
    assert.equal(start.code, 0, start.stderr);
    const sock = join(sb.run, 'ldirectord.www.sock');
    assert.equal(statSync(sock).mode & 0o777, 0o600, 'root only');

    const h = await until(sb, 'both reals checked', (x) => realAt(x, up)?.health === 'up' && realAt(x, dead)?.health === 'quiescent');
    assert.equal(h.schema, 'ldirectord.health/v1');
    assert.equal(h.status, 'running');
    const u = realAt(h, up)!;
    assert.deepEqual([u.forward, u.weight, u.last?.ok, u.last?.reason], ['Masq', { kernel: 3, configured: 3 }, true, '200 OK']);
    assert.ok(u.last!.latencyMs >= 0 && u.last!.latencyMs < 2000);
    const d = realAt(h, dead)!;
    // Down at its first check: a never-served real has no soft failures (state.ts).
    assert.deepEqual([d.weight, d.last?.reason, d.failures, d.failurecount], [{ kernel: 0, configured: 1 }, 'ECONNREFUSED', 0, 1]);
    assert.equal(h.virtuals[0]!.fallbackActive, false);

    const text = await sb.ldirectord(['www', 'show'], { env: ENV });
    assert.equal(text.code, 0, text.stderr);
    const lines = text.stdout.split('\n');
    assert.equal(lines[1], 'Prot LocalAddress:Port Scheduler Flags');
    assert.match(lines[2]!, /^ {2}-> RemoteAddress:Port {11}Forward Weight Config Health {6}Fails Latency {2}Since {15}Last check$/);
    assert.equal(lines[3], 'TCP  10.9.9.9:80 wrr');
    assert.match(text.stdout, new RegExp(`\\n  -> 127\\.0\\.0\\.1:${up} +Masq +3 +3 +up +0/1 +\\S+ +\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d 200 OK\\n`));
    assert.match(text.stdout, new RegExp(`\\n  -> 127\\.0\\.0\\.1:${dead} +Masq +0 +1 +quiescent +0/1 .* ECONNREFUSED\\n`));
    assert.match(text.stdout, new RegExp(`\\n  -> 127\\.0\\.0\\.1:${dead + 1} +Masq +- +1 +fallback .* inactive\\n`));

    // The real fails: the view names why, and the log has one line for the change, with the reason.
    await nginx.stop();
    const down = await until(sb, 'the nginx real goes down', (x) => realAt(x, up)?.health === 'quiescent');
    assert.equal(realAt(down, up)!.last?.reason, 'ECONNREFUSED');
    assert.equal(down.virtuals[0]!.fallbackActive, true);
    const changes = sb.readLog().split('\n').filter((l) => l.includes(`Real server 127.0.0.1:${up} (tcp:10.9.9.9:80) is down`));
    assert.equal(changes.length, 1, sb.readLog());
    assert.match(changes[0]!, /is down: ECONNREFUSED \(failure 1\/1, [\d.]+ ms\)$/);

    // status keeps its words and codes (the OCF agent and heartbeat parse them).
    const st = await sb.ldirectord(['www', 'status'], { env: ENV });
    assert.equal(st.code, 0);
    assert.match(st.stderr, /^ldirectord for .*www is running with pid: \d+\n$/);
    assert.equal(st.stdout, '');

    assert.equal((await sb.ldirectord(['www', 'stop'], { env: ENV })).code, 0);
    assert.ok(!existsSync(sock), 'the daemon removes its socket on stop');
    assert.equal((await sb.ldirectord(['www', 'show', '--json'], { env: ENV })).code, 3);
}));

test('drain and enable: weight 0 with a logged reason, kept across reload and restart, back only after a passing check', () => withWww(async (sb, up) => {
    assert.equal((await sb.ldirectord(['www', 'start'], { env: ENV, executable: true })).code, 0);
    await until(sb, 'the nginx real is up', (x) => realAt(x, up)?.health === 'up');

    const usage = await sb.ldirectord(['www', 'drain'], { env: ENV });
    assert.equal(usage.code, 255);
    assert.match(usage.stderr, /drain: which real server\?/);
    const bad = await sb.ldirectord(['www', 'drain', '127.0.0.9:80'], { env: ENV });
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /no real server in .*www matches 127\.0\.0\.9:80/);

    const dr = await sb.ldirectord(['www', 'drain', `127.0.0.1:${up}`, '--reason', 'kernel upgrade'], { env: ENV });
    assert.equal(dr.code, 0, dr.stderr);
    assert.match(dr.stdout, new RegExp(`Drained: 1 real server\\(s\\)\\n  127\\.0\\.0\\.1:${up} \\(tcp:10\\.9\\.9\\.9:80\\)\\n`));
    let h = await until(sb, 'drained at weight 0', (x) => realAt(x, up)?.health === 'drained' && realAt(x, up)?.weight.kernel === 0);
    assert.equal(realAt(h, up)!.drain?.reason, 'kernel upgrade');
    assert.match(sb.readLog(), new RegExp(`Drained real server: 127\\.0\\.0\\.1:${up} \\(tcp:10\\.9\\.9\\.9:80\\): kernel upgrade`));
    const state = JSON.parse(readFileSync(join(sb.run, 'ldirectord.www.drain.json'), 'utf8')) as { version: number; drains: { target: string }[] };
    assert.deepEqual([state.version, state.drains.map((x) => x.target)], [1, [`127.0.0.1:${up}`]]);

    // reload: still drained.
    assert.equal((await sb.ldirectord(['www', 'reload'], { env: ENV })).code, 0);
    await pollUntil(() => sb.readLog().includes('Reloading Linux Director Daemon config on signal'), 10_000, 100);
    await new Promise((r) => setTimeout(r, 1500));
    h = await showJson(sb);
    assert.equal(realAt(h, up)!.health, 'drained');
    assert.equal(realAt(h, up)!.weight.kernel, 0);

    // restart: a new daemon reads the state file (this engine's table starts empty: never added).
    assert.equal((await sb.ldirectord(['www', 'restart'], { env: ENV })).code, 0);
    h = await until(sb, 'restarted daemon settled', (x) => x.virtuals[0]?.settled === true);
    assert.equal(realAt(h, up)!.health, 'drained');
    assert.notEqual(realAt(h, up)!.weight.kernel, 3);
    assert.match(sb.readLog(), new RegExp(`Real server 127\\.0\\.0\\.1:${up} stays drained .*: kernel upgrade`));

    const en = await sb.ldirectord(['www', 'enable', `127.0.0.1:${up}`], { env: ENV });
    assert.equal(en.code, 0, en.stderr);
    assert.ok(!existsSync(join(sb.run, 'ldirectord.www.drain.json')), 'enable empties the state');
    h = await until(sb, 'back at its weight', (x) => realAt(x, up)?.health === 'up' && realAt(x, up)?.weight.kernel === 3);
    assert.equal(realAt(h, up)!.drain, null);
    assert.match(sb.readLog(), /Enabled real server: .* after a passing check: 200 OK/);
}));

test('-d: each check\'s outcome with reason and latency on stderr, one line per state change; show reaches the foreground daemon', () => withWww(async (sb, up, dead, nginx) => {
    const fg = sb.spawnForeground(['-d', 'www', 'start'], ENV);
    const seen = await pollUntil(() => fg.err().includes(`DEBUG2: Check http 127.0.0.1:${up}: up: 200 OK (`)
      && fg.err().includes(`DEBUG2: Check http 127.0.0.1:${dead}: down: ECONNREFUSED (`), 20_000, 100);
    assert.ok(seen, fg.err());
    assert.match(fg.err(), new RegExp(`DEBUG2: Check http 127\\.0\\.0\\.1:${up}: up: 200 OK \\(\\d+\\.\\d ms\\)\\n`));
    // The foreground daemon writes no pid file, yet serves its control socket.
    const h = await until(sb, 'checked', (x) => realAt(x, up)?.health === 'up');
    assert.equal(h.pid, fg.pid);
    await nginx.stop();
    assert.ok(await pollUntil(() => fg.err().includes(`Real server 127.0.0.1:${up} (tcp:10.9.9.9:80) is down: ECONNREFUSED`), 20_000, 100), fg.err());
    const changes = fg.err().split('\n').filter((l) => l.startsWith(`Real server 127.0.0.1:${up} `));
    assert.equal(changes.length, 1, changes.join('\n'));
    fg.kill('SIGTERM');
    await new Promise((r) => fg.once('exit', r));
}));
