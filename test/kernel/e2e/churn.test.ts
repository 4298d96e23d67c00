/**
 * Churn: how many IPVS writes the running daemon makes for a reload that changes nothing, for a
 * one-line edit, and for a restart over a table it left behind (cleanstop=no). Writes are counted
 * from the daemon's log (one line per applied or refused write, see e2e-support/daemon-log.ts);
 * the real ipvsadm confirms the table itself did not move.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ldirectord, type CliEnv, stopDaemon } from '../../e2e-support/cli.js';
import { indexOfLine, readLog, writeLines } from '../../e2e-support/daemon-log.js';
import { clearTable, destCount, ipvsadmText, readTable } from '../../e2e-support/ipvs-table.js';
import { startNginx, writeTestPage, type Nginx } from '../../e2e-support/nginx.js';
import { sleep, waitFor } from '../../e2e-support/wait.js';
import { assertInLab } from '../support.js';

assertInLab();

const VIPS = ['192.0.2.81', '192.0.2.82'] as const;
const REALS = ['127.0.0.11', '127.0.0.12', '127.0.0.13'] as const;
/** How long "nothing more happens" is watched after a change settled (several check rounds). */
const QUIET_MS = 4000;

let dir: string;
let env: CliEnv;
let log: string;
let nginx: Nginx | undefined;

function cf(weight11: number, scheduler2 = 'wrr'): string {
  const lines = ['checktimeout=3', 'checkinterval=1', 'cleanstop=no', `logfile="${log}"`, ''];
  VIPS.forEach((vip, i) => {
    lines.push(`virtual=${vip}:80`);
    for (const r of REALS) lines.push(`\treal=${r}:80 gate ${i === 0 && r === REALS[0] ? weight11 : 1}`);
    lines.push('\tservice=http', '\trequest=".testpage"', '\treceive="Test Page"', `\tscheduler=${i === 1 ? scheduler2 : 'wrr'}`, '');
  });
  return lines.join('\n');
}

async function run(args: string[]): Promise<void> {
  const r = await ldirectord(args, env);
  assert.equal(r.code, 0, `ldirectord ${args.join(' ')} exited ${r.code}: ${r.stdout}${r.stderr}`);
}

/** markerIndex waits for a log line containing `text` at or after line `from` and returns its index. */
async function markerIndex(text: string, from: number): Promise<number> {
  return waitFor(`log line "${text}"`, () => { const i = indexOfLine(readLog(log), text, from); return i >= 0 ? i : undefined; },
    { timeoutMs: 30_000, intervalMs: 200, describe: () => readLog(log).slice(-10).join('\n') });
}

before(async () => {
  await clearTable();
  dir = mkdtempSync('/tmp/e2e-churn-');
  log = join(dir, 'ldirectord.log');
  env = { confDir: dir, pidDir: dir };
  for (const a of REALS) writeTestPage(join(dir, 'www', a));
  nginx = await startNginx({ dir: join(dir, 'nginx'), sites: REALS.map((a) => ({ address: a, port: 80, root: join(dir, 'www', a) })) });
});

after(async () => {
  await stopDaemon('churn', env);
  await nginx?.stop();
  await clearTable();
  rmSync(dir, { recursive: true, force: true });
});

describe('IPVS writes per change (2 virtuals x 3 reals, all healthy)', { concurrency: false }, () => {
  test('start on an empty table: exactly 2 services + 6 dests are written', async () => {
    writeFileSync(join(dir, 'churn.cf'), cf(1));
    await run(['churn', 'start']);
    await waitFor('6 live dests', async () => (destCount(await readTable(), true) === 6 ? true : undefined),
      { timeoutMs: 30_000, intervalMs: 250, describe: () => ipvsadmText() });
    await sleep(QUIET_MS);
    const w = writeLines(readLog(log));
    console.log(`# churn: start on empty table: ${w.length} writes`);
    assert.equal(w.length, 8, w.join('\n'));
  });

  test('reload with an unchanged config: 0 writes; a one-line edit: exactly 1 write each', async () => {
    const before = await ipvsadmText();
    const start = readLog(log).length;
    await run(['churn', 'reload']);
    const r1 = await markerIndex('Reloading', start);
    await sleep(QUIET_MS);
    const unchanged = writeLines(readLog(log).slice(r1));
    console.log(`# churn: unchanged reload: ${unchanged.length} writes`);
    assert.deepEqual(unchanged, []);
    assert.equal(await ipvsadmText(), before);

    writeFileSync(join(dir, 'churn.cf'), cf(3));
    await run(['churn', 'reload']);
    const r2 = await markerIndex('Reloading', r1 + 1);
    await waitFor('the new weight', async () => ((await readTable()).get(`TCP ${VIPS[0]}:80`)?.get(`${REALS[0]}:80`)?.weight === 3 ? true : undefined),
      { timeoutMs: 30_000, intervalMs: 250, describe: () => ipvsadmText() });
    await sleep(QUIET_MS);
    const weight = writeLines(readLog(log).slice(r2));
    console.log(`# churn: one-line weight edit: ${weight.length} writes`);
    assert.equal(weight.length, 1, weight.join('\n'));
    assert.match(weight[0]!, new RegExp(`${REALS[0]}:80 .*Weight set to 3`));

    writeFileSync(join(dir, 'churn.cf'), cf(3, 'rr'));
    await run(['churn', 'reload']);
    const r3 = await markerIndex('Reloading', r2 + 1);
    await waitFor('the new scheduler', async () => (/TCP {2}192\.0\.2\.82:80 rr/.test(await ipvsadmText()) ? true : undefined),
      { timeoutMs: 30_000, intervalMs: 250, describe: () => ipvsadmText() });
    await sleep(QUIET_MS);
    const sched = writeLines(readLog(log).slice(r3));
    console.log(`# churn: one-line scheduler edit: ${sched.length} writes`);
    assert.equal(sched.length, 1, sched.join('\n'));
    assert.match(sched[0]!, /Updated virtual server/);
  });

  test('restart over the table left by cleanstop=no: healthy reals are neither removed nor re-added', async () => {
    await run(['churn', 'stop']);
    const kept = await ipvsadmText();
    assert.equal(destCount(await readTable(), true), 6, `cleanstop=no keeps the table:\n${kept}`);
    const start = readLog(log).length;
    await run(['churn', 'start']);
    await sleep(QUIET_MS);
    const w = writeLines(readLog(log).slice(start));
    console.log(`# churn: restart over an existing table: ${w.length} writes`);
    assert.deepEqual(w, []);
    assert.equal(await ipvsadmText(), kept);
  });
});
