/**
 * What admins do to a running director (issue 15), with the real command, real nginx reals and
 * the real kernel table: `kill -9` then `start` (zero writes for healthy reals), a HUP storm, the
 * log on a full disk, a name that stops resolving, a hand-changed weight and a hand-deleted real
 * (put back by the drift re-read, every 60 s), `ipvsadm -C` (put back at the next change) and
 * `stop` while `start` is still starting. Writes are counted from the daemon's log (e2e-support/daemon-log.ts);
 * the kernel table is the judge.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { daemonPid, killDaemon, ldirectord, type CliEnv, stopDaemon } from '../../e2e-support/cli.js';
import { readLog, writeLines } from '../../e2e-support/daemon-log.js';
import { processesWith } from '../../e2e-support/procs.js';
import { clearTable, ipvsadmText, readTable } from '../../e2e-support/ipvs-table.js';
import { startNginx, writeTestPage, type Nginx } from '../../e2e-support/nginx.js';
import { sleep, waitFor } from '../../e2e-support/wait.js';
import { assertInLab, ipvsadm } from '../support.js';

assertInLab();

const VIP = '192.0.2.83';
const SVC = `TCP ${VIP}:80`;
const REALS = ['127.0.0.21', '127.0.0.22'] as const;
/** How long "nothing more happens" is watched (several check rounds). */
const QUIET_MS = 4000;
const DETECT_MS = 60_000;
/** The drift re-read runs every 60 s: one full period plus the lab's slowness. */
const DRIFT_MS = 150_000;

let dir: string;
let logDir: string;
let log: string;
let env: CliEnv;
let nginx: Nginx | undefined;
const page = (addr: string): string => join(dir, 'www', addr);

async function run(args: string[]): Promise<void> {
  const r = await ldirectord(args, env);
  assert.equal(r.code, 0, `ldirectord ${args.join(' ')} exited ${r.code}: ${r.stdout}${r.stderr}\n${readLog(log).slice(-10).join('\n')}`);
}

/** weights returns "addr:port=weight" of our virtual's dests, sorted ('' when absent). */
async function weights(): Promise<string> {
  const d = (await readTable()).get(SVC);
  return d ? [...d].map(([a, x]) => `${a}=${x.weight}`).sort().join(',') : '';
}

const HEALTHY = `${REALS[0]}:80=1,${REALS[1]}:80=2`;

function until(what: string, want: string, ms = DETECT_MS): Promise<true> {
  return waitFor(what, async () => ((await weights()) === want ? true : undefined),
    { timeoutMs: ms, intervalMs: 200, describe: async () => `${await ipvsadmText()}\n${readLog(log).slice(-10).join('\n')}` });
}

before(async () => {
  await clearTable();
  dir = mkdtempSync('/tmp/e2e-admin-');
  // The log lives on its own small tmpfs, so the test can fill that disk.
  logDir = join(dir, 'logdisk');
  mkdirSync(logDir);
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', logDir]);
  log = join(logDir, 'ldirectord.log');
  env = { confDir: dir, pidDir: dir };
  for (const a of REALS) writeTestPage(page(a));
  nginx = await startNginx({ dir: join(dir, 'nginx'), sites: REALS.map((a) => ({ address: a, port: 80, root: page(a) })) });
  // Timeouts far above what a loopback nginx needs: "zero writes for healthy reals" must not turn
  // on whether the shared machine stalled the guest for 3 s (a kernel-suite run on main's code at
  // load 25 saw both reals' first checks time out after kill -9, then deleted and re-added them).
  // The failures these tests cause are a 404 (a deleted test page), seen at once whatever the timeout.
  writeFileSync(join(dir, 'admin.cf'), [
    'checktimeout=20', 'negotiatetimeout=20', 'checkinterval=1', `logfile="${log}"`, '',
    `virtual=${VIP}:80`, `\treal=${REALS[0]}:80 masq 1`, `\treal=${REALS[1]}:80 masq 2`,
    '\tservice=http', '\trequest=".testpage"', '\treceive="Test Page"', '\tscheduler=wrr', '',
  ].join('\n'));
});

after(async () => {
  await stopDaemon('admin', env);
  await nginx?.stop();
  await clearTable();
  try { execFileSync('umount', [logDir]); } catch { /* not mounted */ }
  rmSync(dir, { recursive: true, force: true });
});

describe('admin faults', { concurrency: false }, () => {
  test('kill -9, then start: the healthy table is adopted with zero writes', async () => {
    await run(['admin', 'start']);
    await until('both reals in the table', HEALTHY);
    const pid = daemonPid(dir, 'admin')!;
    process.kill(pid, 'SIGKILL');
    await waitFor('the daemon is dead', () => { try { process.kill(pid, 0); return undefined; } catch { return true; } }, { timeoutMs: 10_000, intervalMs: 50 });
    const status = await ldirectord(['admin', 'status'], env);
    assert.equal(status.code, 1, 'a stale pid file: status 1');
    const before = await ipvsadmText();
    const from = readLog(log).length;
    await run(['admin', 'start']);
    await sleep(QUIET_MS);
    const w = writeLines(readLog(log).slice(from));
    console.log(`# admin faults: start after kill -9: ${w.length} writes`);
    assert.deepEqual(w, [], 'no write for healthy reals');
    assert.equal(await ipvsadmText(), before);
  });

  test('a HUP storm (100 signals) changes nothing, and the daemon still answers and applies changes', async () => {
    const pid = daemonPid(dir, 'admin')!;
    const from = readLog(log).length;
    for (let i = 0; i < 100; i++) { process.kill(pid, 'SIGHUP'); await sleep(2); }
    await sleep(QUIET_MS);
    process.kill(pid, 0); // still alive
    assert.equal((await ldirectord(['admin', 'status'], env)).code, 0);
    const lines = readLog(log).slice(from);
    assert.ok(lines.some((l) => l.includes('Reloading Linux Director Daemon config on signal')), 'the signals were handled');
    assert.deepEqual(writeLines(lines), [], 'an unchanged config writes nothing, however often it is reloaded');
    assert.equal(await weights(), HEALTHY);
    // Still working: a failing real leaves the table.
    unlinkSync(join(page(REALS[1]), '.testpage'));
    await until('the failed real removed', `${REALS[0]}:80=1`);
    writeTestPage(page(REALS[1]));
    await until('the real back', HEALTHY);
  });

  test('the log on a full disk: changes are still applied; logging resumes once there is room', async () => {
    const filler = join(logDir, 'filler');
    try { execFileSync('dd', ['if=/dev/zero', `of=${filler}`, 'bs=4k'], { stdio: 'ignore' }); } catch { /* ENOSPC: the disk is full */ }
    unlinkSync(join(page(REALS[0]), '.testpage'));
    await until('the failed real removed although nothing can be logged', `${REALS[1]}:80=2`);
    const pid = daemonPid(dir, 'admin')!;
    process.kill(pid, 0); // alive: a failed log write is not fatal
    unlinkSync(filler);
    writeTestPage(page(REALS[0]));
    await until('the real back', HEALTHY);
    await waitFor('a log line once there is room', () => (readLog(log).some((l) => /Added real server: 127\.0\.0\.21:80/.test(l) && !l.startsWith('\0')) ? true : undefined),
      { timeoutMs: DETECT_MS, intervalMs: 200, describe: () => readLog(log).slice(-5).join('\n') });
  });

  test('a name in the config that stops resolving: a reload keeps the running config, checks go on', async () => {
    // The guest's own mount namespace: this hosts file hides the host's /etc/hosts for the lab only.
    const hosts = join(dir, 'hosts');
    writeFileSync(hosts, `127.0.0.1 localhost\n${REALS[0]} web21.lab\n${REALS[1]} web22.lab\n`);
    execFileSync('mount', ['--bind', hosts, '/etc/hosts']);
    try {
      writeFileSync(join(dir, 'names.cf'), [
        'checktimeout=20', 'negotiatetimeout=20', 'checkinterval=1', `logfile="${join(dir, 'names.log')}"`, '',
        'virtual=192.0.2.84:80', '\treal=web21.lab:80 masq 1', '\treal=web22.lab:80 masq 2',
        '\tservice=http', '\trequest=".testpage"', '\treceive="Test Page"', '\tscheduler=wrr', '',
      ].join('\n'));
      await run(['names', 'start']);
      const names = async (): Promise<string> => {
        const d = (await readTable()).get('TCP 192.0.2.84:80');
        return d ? [...d].map(([a, x]) => `${a}=${x.weight}`).sort().join(',') : '';
      };
      await waitFor('both named reals in the table', async () => ((await names()) === HEALTHY ? true : undefined), { timeoutMs: DETECT_MS, intervalMs: 200 });
      writeFileSync(hosts, '127.0.0.1 localhost\n'); // the names stop resolving
      const pid = daemonPid(dir, 'names')!;
      process.kill(pid, 'SIGHUP');
      const nlog = join(dir, 'names.log');
      await waitFor('the failed reload is logged', () => (readLog(nlog).some((l) => /keeping the running configuration/.test(l)) ? true : undefined),
        { timeoutMs: DETECT_MS, intervalMs: 200, describe: () => readLog(nlog).slice(-8).join('\n') });
      assert.equal(await names(), HEALTHY, 'the table is untouched');
      unlinkSync(join(page(REALS[1]), '.testpage'));
      await waitFor('checks go on: the failed real leaves', async () => ((await names()) === `${REALS[0]}:80=1` ? true : undefined), { timeoutMs: DETECT_MS, intervalMs: 200 });
      writeTestPage(page(REALS[1]));
      await waitFor('and comes back', async () => ((await names()) === HEALTHY ? true : undefined), { timeoutMs: DETECT_MS, intervalMs: 200 });
      await run(['names', 'stop']);
    } finally {
      await ldirectord(['names', 'stop'], env, 60_000).catch(() => undefined);
      killDaemon(dir, 'names');
      execFileSync('umount', ['/etc/hosts']);
    }
  });

  test('a hand-changed weight and a hand-deleted real are put back by the drift re-read', async () => {
    ipvsadm('-e', '-t', `${VIP}:80`, '-r', `${REALS[1]}:80`, '-m', '-w', '7');
    ipvsadm('-d', '-t', `${VIP}:80`, '-r', `${REALS[0]}:80`);
    assert.equal(await weights(), `${REALS[1]}:80=7`);
    await until('the hand-made changes put back', HEALTHY, DRIFT_MS);
    assert.ok(readLog(log).some((l) => l.includes(`IPVS table drift on ${VIP}:80: 2 change(s)`)), readLog(log).slice(-5).join('\n'));
  });

  test('ipvsadm -C under the daemon: the next change finds the service gone and puts the whole table back', async () => {
    ipvsadm('-C');
    assert.equal(await weights(), '');
    // No drift pass needed: the write of the next change fails, and the re-read that follows restores.
    unlinkSync(join(page(REALS[1]), '.testpage'));
    await until('the table back, without the failed real', `${REALS[0]}:80=1`);
    writeTestPage(page(REALS[1]));
    await until('and the real back', HEALTHY);
    await run(['admin', 'stop']);
    assert.equal(await weights(), '', 'stop still cleans up');
  });

  test('stop while start is still starting: stop 0, no daemon left, no pid file, the table cleaned', async () => {
    // 200 virtuals of 3 reals that never answer (slow checks): the daemon takes a while to boot,
    // load and program. The pid file names `start` until the daemon takes it over (docs/cli.md);
    // `stop` is run as soon as it is there.
    const N = 200;
    const lines = ['checktimeout=5', 'negotiatetimeout=5', 'checkinterval=1', `logfile="${join(dir, 'sds.log')}"`];
    for (let v = 0; v < N; v++) {
      lines.push(`virtual=198.51.100.${(v % 200) + 1}:${3000 + v}`, '\tservice=http');
      for (let r = 1; r <= 3; r++) lines.push(`\treal=203.0.113.${r}:80 masq`);
    }
    writeFileSync(join(dir, 'sds.cf'), `${lines.join('\n')}\n`);
    const ours = async (): Promise<number> => [...(await readTable()).keys()].filter((k) => k.startsWith('TCP 198.51.100.')).length;
    const starting = ldirectord(['sds', 'start'], env, 600_000);
    try {
      await waitFor('a pid file during startup', () => (daemonPid(dir, 'sds') !== undefined ? true : undefined), { timeoutMs: 300_000, intervalMs: 10 });
      const named = daemonPid(dir, 'sds')!;
      const stop = await ldirectord(['sds', 'stop'], env, 600_000);
      const start = await starting;
      const slog = readLog(join(dir, 'sds.log'));
      console.log(`# admin faults: stop during start: start exit ${start.code} (${start.stderr.trim() || 'up first'}), pid file named ${named}, stop ${stop.ms} ms`);
      assert.equal(stop.code, 0, `stop: ${stop.stderr}\n${slog.slice(-10).join('\n')}`);
      if (start.code !== 0) assert.match(start.stderr, /ldirectord was stopped during startup \(signal TERM\)/, `start exited ${start.code}`);
      else assert.ok(slog.some((l) => l.includes('terminated on signal: TERM')), 'up first, then stopped');
      await waitFor('no daemon left', () => (processesWith('sds start').length === 0 ? true : undefined), { timeoutMs: 30_000, intervalMs: 100 });
      assert.equal(daemonPid(dir, 'sds'), undefined, 'no pid file left');
      assert.equal(await ours(), 0, `cleanstop=yes: none of the ${N} virtuals left\n${await ipvsadmText()}`);
      assert.equal((await ldirectord(['sds', 'status'], env)).code, 3, 'status: stopped');
    } finally {
      await starting;
      killDaemon(dir, 'sds');
    }
  });
});
