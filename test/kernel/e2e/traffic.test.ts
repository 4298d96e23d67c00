/**
 * Traffic through IPVS while a real server dies. Three network namespaces behind the lab kernel
 * as director: a client (10.0.1.2) and two nginx reals (10.0.2.2, 10.0.3.2) whose default route
 * is the director; the VIP 10.0.1.100:80 is on the director side and forwards by masq (NAT).
 * The client sends requests on fresh connections; one real is killed (SIGKILL to its nginx
 * process group); after ldirectord removes it, no request goes to it and none fails.
 * Prints the number of failed requests and the detection delay (docs/benchmarks.md).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openIpvs, type IpvsHandle, type ServiceKey } from '../../../src/ipvs/index.js';
import { ldirectord, PROJECT_ROOT, type CliEnv, stopDaemon } from '../../e2e-support/cli.js';
import type { Sample } from '../../e2e-support/http-client.js';
import { clearTable, ipvsadmText } from '../../e2e-support/ipvs-table.js';
import { startNginx, writeTestPage, type Nginx } from '../../e2e-support/nginx.js';
import { waitFor, waitForPort } from '../../e2e-support/wait.js';
import { assertInLab } from '../support.js';

assertInLab();

const VIP = '10.0.1.100';
const KEY: ServiceKey = { family: 4, protocol: 'tcp', address: VIP, port: 80 };
/** Namespaces: name, subnet index, the address inside. */
const NS = [
  { ns: 'e2e-client', net: 1, addr: '10.0.1.2' },
  { ns: 'e2e-r1', net: 2, addr: '10.0.2.2' },
  { ns: 'e2e-r2', net: 3, addr: '10.0.3.2' },
] as const;
const [CLIENT, R1, R2] = NS;
/** The client's own safety limit; the test stops it with SIGTERM once it has seen enough. */
const CLIENT_MAX_SECONDS = 240;

let dir: string;
let env: CliEnv;
let ipvs: IpvsHandle | undefined;
const nginx = new Map<string, Nginx>();

function sh(...argv: string[]): void {
  execFileSync(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
}

function setupNetwork(): void {
  writeFileSync('/proc/sys/net/ipv4/ip_forward', '1');
  for (const n of NS) {
    const host = `veth${n.net}d`;
    sh('ip', 'netns', 'add', n.ns);
    sh('ip', 'link', 'add', host, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', n.ns);
    sh('ip', 'addr', 'add', `10.0.${n.net}.1/24`, 'dev', host);
    sh('ip', 'link', 'set', host, 'up');
    sh('ip', '-n', n.ns, 'addr', 'add', `${n.addr}/24`, 'dev', 'eth0');
    sh('ip', '-n', n.ns, 'link', 'set', 'eth0', 'up');
    sh('ip', '-n', n.ns, 'link', 'set', 'lo', 'up');
    sh('ip', '-n', n.ns, 'route', 'add', 'default', 'via', `10.0.${n.net}.1`);
  }
  sh('ip', 'addr', 'add', `${VIP}/32`, 'dev', `veth${CLIENT.net}d`);
}

function teardownNetwork(): void {
  // Deleting a namespace deletes its veth end, and with it the director's end.
  for (const n of NS) { try { sh('ip', 'netns', 'del', n.ns); } catch { /* not there */ } }
}

/** Client is the running load client: what it reported so far, and how to stop it for its samples. */
interface Client {
  readonly bodies: Set<string>;
  count(): number;
  stop(): Promise<Sample[]>;
}

/** runClient starts the load client in the client namespace; it runs until stop(). */
function runClient(): Client {
  const script = join(PROJECT_ROOT, 'dist/test/e2e-support/http-client.js');
  const child = spawn('ip', ['netns', 'exec', CLIENT.ns, process.execPath, script, `http://${VIP}/`, String(CLIENT_MAX_SECONDS), '20'],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  const bodies = new Set<string>();
  let count = 0;
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => { out += d; });
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    err += d;
    for (const m of d.matchAll(/^first (.*)$/gm)) bodies.add(m[1]!);
    for (const m of d.matchAll(/^count (\d+)$/gm)) count = Number(m[1]);
  });
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  return {
    bodies,
    count: () => count,
    async stop() {
      child.kill('SIGTERM');
      const code = await exited;
      if (code !== 0) throw new Error(`client exited ${code}: ${err.slice(-500)}`);
      return JSON.parse(out) as Sample[];
    },
  };
}

async function hasDest(addr: string): Promise<boolean> {
  return (await ipvs!.listDests(KEY)).some((d) => d.address === addr && d.weight > 0);
}

before(async () => {
  await clearTable();
  teardownNetwork();
  setupNetwork();
  dir = mkdtempSync('/tmp/e2e-traffic-');
  env = { confDir: dir, pidDir: dir };
  for (const r of [R1, R2]) {
    const root = join(dir, 'www', r.ns);
    writeTestPage(root);
    writeFileSync(join(root, 'index.html'), `${r.ns}\n`);
    nginx.set(r.ns, await startNginx({ dir: join(dir, `nginx-${r.ns}`), netns: r.ns, sites: [{ address: r.addr, port: 80, root }] }));
    await waitForPort(r.addr, 80, 30_000);
  }
  ipvs = await openIpvs();
});

after(async () => {
  await stopDaemon('traffic', env);
  for (const n of nginx.values()) await n.kill();
  await ipvs?.close();
  await clearTable();
  teardownNetwork();
  rmSync(dir, { recursive: true, force: true });
});

test('a real that dies under load is removed; afterwards every request succeeds on the other', async () => {
  writeFileSync(join(dir, 'traffic.cf'), [
    'checktimeout=2', 'negotiatetimeout=2', 'checkinterval=1', `logfile="${dir}/ldirectord.log"`, '',
    `virtual=${VIP}:80`, `\treal=${R1.addr}:80 masq`, `\treal=${R2.addr}:80 masq`,
    '\tservice=http', '\trequest=".testpage"', '\treceive="Test Page"', '\tscheduler=rr', '',
  ].join('\n'));
  const st = await ldirectord(['traffic', 'start'], env);
  assert.equal(st.code, 0, `${st.stdout}${st.stderr}`);
  await waitFor('both reals in the table', async () => ((await hasDest(R1.addr)) && (await hasDest(R2.addr)) ? true : undefined),
    { timeoutMs: 30_000, intervalMs: 100, describe: () => ipvsadmText() });

  const client = runClient();
  // Kill only once the client has been answered by both reals (node starts slowly in the lab).
  await waitFor('the client answered by both reals', () => (client.bodies.size >= 2 ? true : undefined),
    { timeoutMs: 120_000, intervalMs: 50, describe: async () => `bodies: ${[...client.bodies].join(', ')}` });
  const killStart = Date.now();
  await nginx.get(R2.ns)!.kill();
  // kill() resolves once nginx has exited: from here on nothing can be answered by r2.
  const killedAt = Date.now();
  await waitFor('the dead real removed', async () => (!(await hasDest(R2.addr)) ? true : undefined),
    { timeoutMs: 30_000, intervalMs: 10, describe: () => ipvsadmText() });
  const removedAt = Date.now();
  const countAtRemoval = client.count();
  await waitFor('40 more requests after the removal', () => (client.count() >= countAtRemoval + 40 ? true : undefined),
    { timeoutMs: 120_000, intervalMs: 50 });
  const samples = await client.stop();

  const before = samples.filter((s) => s.t < killStart);
  const afterRemoval = samples.filter((s) => s.t > removedAt);
  const failed = samples.filter((s) => !s.ok);
  const detection = (removedAt - killedAt) / 1000;
  console.log(`# traffic: ${samples.length} requests, ${failed.length} failed, detection delay ${detection.toFixed(3)} s `
    + `(killed at +${((killStart - samples[0]!.t) / 1000).toFixed(1)} s, ${afterRemoval.length} requests after removal)`);

  assert.ok(before.some((s) => s.ok && s.body === R1.ns) && before.some((s) => s.ok && s.body === R2.ns),
    'both reals served before the kill');
  assert.ok(afterRemoval.length > 20, `requests after the removal: ${afterRemoval.length}`);
  assert.deepEqual(afterRemoval.filter((s) => !s.ok || s.body !== R1.ns), [], 'after removal every request succeeds on r1');
  assert.deepEqual(samples.filter((s) => s.t >= killedAt && s.ok && s.body === R2.ns), [], 'nothing answered by the dead real');
  // A request fails only if it was sent to the dead real before its removal (1 s client deadline).
  for (const f of failed) assert.ok(f.t >= killStart - 1000 && f.t <= removedAt, `failure outside the window: ${JSON.stringify(f)}`);
});
