/**
 * The seed's end-to-end test, on a real IPVS kernel: the built `ldirectord` command with a
 * www.cf in a temp config directory, two (later three) nginx real servers on loopback
 * addresses serving .testpage, and the real ipvsadm as the judge. Failing a real (page removed,
 * wrong content), quiescent=yes, reload after an edit, and stop with cleanstop are all seen in
 * the kernel table, not in what the daemon says.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { daemonPid, ldirectord, type CliEnv, stopDaemon } from '../../e2e-support/cli.js';
import { clearTable, ipvsadmText, readTable, type TableDest } from '../../e2e-support/ipvs-table.js';
import { startNginx, writeTestPage, type Nginx } from '../../e2e-support/nginx.js';
import { waitFor } from '../../e2e-support/wait.js';
import { assertInLab } from '../support.js';

assertInLab();

const VIP = '192.0.2.80';
const SVC = `TCP ${VIP}:80`;
const REALS = ['127.0.0.2', '127.0.0.3', '127.0.0.4'] as const;
const DETECT_MS = 30_000;

let dir: string;
let env: CliEnv;
let nginx: Nginx | undefined;
const root = (addr: string): string => join(dir, 'www', addr);

function cf(opts: { reals: readonly { addr: string; weight?: number }[]; quiescent?: boolean }): string {
  return [
    'checktimeout=3',
    'negotiatetimeout=3',
    'checkinterval=1',
    `logfile="${dir}/ldirectord.log"`,
    `quiescent=${opts.quiescent ? 'yes' : 'no'}`,
    '',
    `virtual=${VIP}:80`,
    ...opts.reals.map((r) => `\treal=${r.addr}:80 gate${r.weight !== undefined ? ` ${r.weight}` : ''}`),
    '\tservice=http',
    '\trequest=".testpage"',
    '\treceive="Test Page"',
    '\tscheduler=wrr',
    '\tprotocol=tcp',
    '\tchecktype=negotiate',
    '',
  ].join('\n');
}

/** dests returns the dests of our virtual service, or undefined when it is not in the kernel. */
async function dests(): Promise<Map<string, TableDest> | undefined> {
  return (await readTable()).get(SVC);
}

/** until waits for the virtual's dests to satisfy `ok` (a predicate over the kernel table). */
function until(what: string, ok: (d: Map<string, TableDest> | undefined) => boolean): Promise<true> {
  return waitFor(what, async () => (ok(await dests()) ? true : undefined), {
    timeoutMs: DETECT_MS, intervalMs: 250,
    describe: async () => `${await ipvsadmText()}\nlog tail:\n${logTail()}`,
  });
}

function logTail(): string {
  try { return readFileSync(join(dir, 'ldirectord.log'), 'utf8').split('\n').slice(-15).join('\n'); } catch { return '(no log)'; }
}

async function run(args: string[]): Promise<void> {
  const r = await ldirectord(args, env);
  assert.equal(r.code, 0, `ldirectord ${args.join(' ')} exited ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}\nlog:\n${logTail()}`);
}

const weightOf = (d: Map<string, TableDest> | undefined, addr: string): number | undefined => d?.get(`${addr}:80`)?.weight;

before(async () => {
  await clearTable();
  dir = mkdtempSync('/tmp/e2e-www-');
  env = { confDir: dir, pidDir: dir };
  for (const a of REALS) writeTestPage(root(a));
  nginx = await startNginx({ dir: join(dir, 'nginx'), sites: REALS.map((a) => ({ address: a, port: 80, root: root(a) })) });
});

after(async () => {
  await stopDaemon('www', env);
  await nginx?.stop();
  await clearTable();
  rmSync(dir, { recursive: true, force: true });
});

describe('ldirectord www start/reload/stop against nginx reals', { concurrency: false }, () => {
  test('start: both healthy reals enter the table (gate = Route, weight 1)', async () => {
    writeFileSync(join(dir, 'www.cf'), cf({ reals: [{ addr: REALS[0] }, { addr: REALS[1] }] }));
    await run(['www', 'start']);
    assert.ok(daemonPid(dir, 'www'), 'pid file written');
    await until('both reals in the table', (d) => weightOf(d, REALS[0]) === 1 && weightOf(d, REALS[1]) === 1);
    const d = await dests();
    assert.equal(d?.get(`${REALS[0]}:80`)?.forward, 'Route');
    assert.equal(d?.size, 2);
    const st = await ldirectord(['www', 'status'], env);
    assert.equal(st.code, 0, `status: ${st.stdout}${st.stderr}`);
  });

  test('a real whose .testpage disappears leaves the table, and returns when it is back', async () => {
    rmSync(join(root(REALS[1]), '.testpage'));
    await until('the failed real removed', (d) => weightOf(d, REALS[1]) === undefined && weightOf(d, REALS[0]) === 1);
    writeTestPage(root(REALS[1]));
    await until('the real back', (d) => weightOf(d, REALS[1]) === 1);
  });

  test('a real serving the wrong content leaves the table', async () => {
    writeTestPage(root(REALS[0]), 'Maintenance\n');
    await until('the real with the wrong page removed', (d) => weightOf(d, REALS[0]) === undefined && weightOf(d, REALS[1]) === 1);
    writeTestPage(root(REALS[0]));
    await until('the real back', (d) => weightOf(d, REALS[0]) === 1);
  });

  test('reload after an edit: a third real and a new weight appear, nothing else changes', async () => {
    writeFileSync(join(dir, 'www.cf'), cf({ reals: [{ addr: REALS[0], weight: 3 }, { addr: REALS[1] }, { addr: REALS[2] }] }));
    await run(['www', 'reload']);
    await until('the new real and the new weight', (d) => weightOf(d, REALS[0]) === 3 && weightOf(d, REALS[2]) === 1);
    assert.equal(weightOf(await dests(), REALS[1]), 1);
  });

  test('stop: the virtual service is gone when stop returns (cleanstop=yes)', async () => {
    await run(['www', 'stop']);
    assert.equal(await dests(), undefined, await ipvsadmText());
    assert.equal(daemonPid(dir, 'www'), undefined, 'pid file removed');
    const st = await ldirectord(['www', 'status'], env);
    assert.equal(st.code, 3, `status after stop: ${st.stdout}${st.stderr}`);
  });

  test('quiescent=yes: a failing real stays with weight 0 and is restored to its weight', async () => {
    writeFileSync(join(dir, 'www.cf'), cf({ reals: [{ addr: REALS[0], weight: 2 }, { addr: REALS[1] }], quiescent: true }));
    await run(['www', 'start']);
    await until('both reals in the table', (d) => weightOf(d, REALS[0]) === 2 && weightOf(d, REALS[1]) === 1);
    rmSync(join(root(REALS[0]), '.testpage'));
    await until('the failed real quiesced (weight 0, still listed)', (d) => weightOf(d, REALS[0]) === 0);
    assert.equal(weightOf(await dests(), REALS[1]), 1);
    writeTestPage(root(REALS[0]));
    await until('the real restored to weight 2', (d) => weightOf(d, REALS[0]) === 2);
    await run(['www', 'stop']);
    assert.equal(await dests(), undefined, await ipvsadmText());
  });
});
