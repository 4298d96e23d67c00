/**
 * syncdaemon= with the real daemon (bin/ldirectord) and the real kernel: the sync daemons it
 * starts are what `ipvsadm -Ln --daemon` lists; a reload, a stop and a restart with the same
 * directive never stop them (the kernel threads keep their pids: no gap in the sync stream); a
 * daemon started by ipvsadm with other parameters is logged as a conflict and left alone; a config
 * without the directive leaves them running. They need a multicast interface: a dummy one.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ldirectord, killDaemon, type CliEnv } from '../../e2e-support/cli.js';
import { clearTable, ipvsadmText, readTable } from '../../e2e-support/ipvs-table.js';
import { waitFor } from '../../e2e-support/wait.js';
import { assertInLab, ipvsadm, modprobe } from '../support.js';

assertInLab();

const IFN = 'labsync1';
const VIP = 'TCP 192.0.2.110:80';
let dir: string;
let env: CliEnv;
let log: string;

const stopDaemons = (): void => {
  for (const s of ['master', 'backup']) { try { ipvsadm('--stop-daemon', s); } catch { /* not running */ } }
};

function writeConfig(o: { sync?: string; reals: number }): void {
  const reals = ['127.0.0.2', '127.0.0.3', '127.0.0.4'].slice(0, o.reals).map((a) => `\treal=${a}:80 gate`);
  writeFileSync(join(dir, 'www.cf'), [
    `logfile="${log}"`, 'checkinterval=1', ...(o.sync ? [o.sync] : []), '',
    'virtual=192.0.2.110:80', ...reals, '\tchecktype=on', '',
  ].join('\n'));
}

/** syncThreads maps the kernel's sync threads (`ipvs-m:0:0`, `ipvs-b:0:0`) to their pids. */
function syncThreads(): Record<string, number> {
  const out: Record<string, number> = {};
  for (const p of readdirSync('/proc')) {
    if (!/^\d+$/.test(p)) continue;
    let comm = '';
    try { comm = readFileSync(`/proc/${p}/comm`, 'utf8').trim(); } catch { continue; }
    const m = /^ipvs-([mb]):/.exec(comm);
    if (m) out[m[1] === 'm' ? 'master' : 'backup'] = Number(p);
  }
  return out;
}

const daemons = (): string => execFileSync('ipvsadm', ['-Ln', '--daemon'], { encoding: 'utf8' });
const logText = (): string => { try { return readFileSync(log, 'utf8'); } catch { return ''; } };
const count = (re: RegExp): number => logText().split('\n').filter((l) => re.test(l)).length;

async function show(): Promise<{ status: string; syncDaemons: { state: string; status: string; owner: string | null }[] }> {
  const r = await ldirectord(['www', 'show', '--json'], env);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as never;
}

/** reloadTo rewrites the config with `reals` reals, reloads, and waits until the table and the daemon settled. */
async function reloadTo(o: { sync?: string; reals: number }): Promise<void> {
  writeConfig(o);
  const r = await ldirectord(['www', 'reload'], env);
  assert.equal(r.code, 0, r.stderr);
  await waitFor(`the table with ${o.reals} real(s)`, async () => ((await readTable()).get(VIP)?.size === o.reals ? true : undefined), {
    timeoutMs: 60_000, intervalMs: 250, describe: () => ipvsadmText(),
  });
  await waitFor('the reload done', async () => ((await show()).status === 'running' ? true : undefined), { timeoutMs: 60_000, intervalMs: 250 });
}

before(async () => {
  await clearTable();
  stopDaemons();
  modprobe('dummy');
  execFileSync('ip', ['link', 'add', IFN, 'type', 'dummy']);
  execFileSync('ip', ['link', 'set', IFN, 'multicast', 'on', 'up']);
  execFileSync('ip', ['addr', 'add', '192.0.2.201/24', 'dev', IFN]);
  dir = mkdtempSync('/tmp/e2e-sync-');
  log = join(dir, 'ldirectord.log');
  env = { confDir: dir, pidDir: dir };
});
after(async () => {
  killDaemon(dir, 'www');
  stopDaemons();
  await clearTable();
  try { execFileSync('ip', ['link', 'del', IFN]); } catch { /* already gone */ }
  rmSync(dir, { recursive: true, force: true });
});

const SYNC = `syncdaemon = both ${IFN} syncid=42`;

test('start runs both daemons; reload, stop and restart with the same directive never stop them', { timeout: 300_000 }, async () => {
  writeConfig({ sync: SYNC, reals: 1 });
  const started = await ldirectord(['www', 'start'], env);
  assert.equal(started.code, 0, started.stderr);
  await waitFor('both sync daemons', () => (/^master sync daemon \(mcast=labsync1, syncid=42,/m.test(daemons()) && /^backup sync daemon \(mcast=labsync1, syncid=42,/m.test(daemons()) ? true : undefined),
    { timeoutMs: 60_000, intervalMs: 250, describe: async () => `${daemons()}\n${logText()}` });
  const threads = syncThreads();
  assert.ok(threads.master && threads.backup, `the kernel's sync threads: ${JSON.stringify(threads)}`);
  assert.equal(count(/Started (master|backup) sync daemon \(mcast=labsync1, syncid=42\)/), 2, logText());
  const s = await show();
  assert.deepEqual(s.syncDaemons.map((d) => [d.state, d.status, d.owner]), [['master', 'running', 'ldirectord'], ['backup', 'running', 'ldirectord']]);

  await reloadTo({ sync: SYNC, reals: 2 });
  assert.deepEqual(syncThreads(), threads, 'the same kernel threads after the reload');

  const stop = await ldirectord(['www', 'stop'], env);
  assert.equal(stop.code, 0, stop.stderr);
  assert.deepEqual(syncThreads(), threads, 'stop leaves the sync daemons running');
  const again = await ldirectord(['www', 'start'], env);
  assert.equal(again.code, 0, again.stderr);
  await waitFor('the table back', async () => ((await readTable()).get(VIP)?.size === 2 ? true : undefined), { timeoutMs: 60_000, intervalMs: 250 });
  await waitFor('the restarted daemon settled', async () => ((await show()).syncDaemons.length === 2 ? true : undefined), { timeoutMs: 60_000, intervalMs: 250 });
  assert.deepEqual(syncThreads(), threads, 'the same kernel threads after the restart');
  assert.equal(count(/Started (master|backup) sync daemon/), 2, 'nothing started again');
  assert.equal(count(/already runs as configured/), 2, logText());
  assert.equal(count(/Sync daemon conflict|Restarting the/), 0, logText());
});

test('a config without the directive leaves the running daemons alone', { timeout: 300_000 }, async () => {
  const threads = syncThreads();
  await reloadTo({ reals: 1 });
  await waitFor('the removal logged', () => (count(/syncdaemon is no longer in the configuration/) === 1 ? true : undefined), { timeoutMs: 30_000, intervalMs: 250, describe: logText });
  assert.deepEqual(syncThreads(), threads, 'still the same kernel threads');
  assert.deepEqual((await show()).syncDaemons, []);
  const stop = await ldirectord(['www', 'stop'], env);
  assert.equal(stop.code, 0, stop.stderr);
  assert.deepEqual(syncThreads(), threads);
});

test('a master started by ipvsadm with another syncid is a conflict: logged, shown, left alone', { timeout: 300_000 }, async () => {
  stopDaemons();
  ipvsadm('--start-daemon', 'master', '--mcast-interface', IFN, '--syncid', '7');
  const foreign = syncThreads().master;
  writeConfig({ sync: SYNC, reals: 1 });
  const started = await ldirectord(['www', 'start'], env);
  assert.equal(started.code, 0, started.stderr);
  await waitFor('the conflict logged', () => (count(/Sync daemon conflict: the kernel already runs a master sync daemon \(mcast=labsync1, syncid=7,.*left alone/) === 1 ? true : undefined),
    { timeoutMs: 60_000, intervalMs: 250, describe: logText });
  await waitFor('our backup', () => (/^backup sync daemon \(mcast=labsync1, syncid=42,/m.test(daemons()) ? true : undefined), { timeoutMs: 30_000, intervalMs: 250, describe: daemons });
  assert.match(daemons(), /^master sync daemon \(mcast=labsync1, syncid=7,/m);
  assert.equal(syncThreads().master, foreign, 'the other master was not restarted');
  const s = await show();
  assert.deepEqual(s.syncDaemons.map((d) => [d.state, d.status, d.owner]), [['master', 'conflict', 'other'], ['backup', 'running', 'ldirectord']]);
  const text = await ldirectord(['www', 'show'], env);
  assert.match(text.stdout, /^master sync daemon: CONFLICT: the kernel already runs/m);
  assert.equal((await ldirectord(['www', 'stop'], env)).code, 0);
  assert.match(daemons(), /^master sync daemon \(mcast=labsync1, syncid=7,/m);
});
