/**
 * `ldirectord www show` against the real IPVS kernel: nginx reals on loopback addresses, one of
 * them failing (its .testpage gone), one address with nothing listening. The weights `show`
 * reports are compared with what the real `ipvsadm -Ln` reads from the kernel, and a drain /
 * enable is judged by the kernel table too.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ldirectord, type CliEnv, stopDaemon } from '../../e2e-support/cli.js';
import { clearTable, ipvsadmText, readTable, type TableDest } from '../../e2e-support/ipvs-table.js';
import { startNginx, writeTestPage, type Nginx } from '../../e2e-support/nginx.js';
import { waitFor } from '../../e2e-support/wait.js';
import type { HealthSnapshot } from '../../../src/director/health.js';
import { assertInLab } from '../support.js';

assertInLab();

const VIP = '192.0.2.81';
const SVC = `TCP ${VIP}:80`;
const [GOOD, FAILING, CLOSED] = ['127.0.0.2', '127.0.0.3', '127.0.0.9'] as const;

let dir: string;
let env: CliEnv;
let nginx: Nginx | undefined;

const logTail = (): string => {
  try { return readFileSync(join(dir, 'ldirectord.log'), 'utf8').split('\n').slice(-15).join('\n'); } catch { return '(no log)'; }
};

async function show(): Promise<HealthSnapshot> {
  const r = await ldirectord(['www', 'show', '--json'], env);
  assert.equal(r.code, 0, `show: ${r.stderr}\n${logTail()}`);
  return JSON.parse(r.stdout) as HealthSnapshot;
}

const kernelDests = async (): Promise<Map<string, TableDest> | undefined> => (await readTable()).get(SVC);

function until<T>(what: string, get: () => Promise<T | undefined>): Promise<T> {
  return waitFor(what, get, { timeoutMs: 30_000, intervalMs: 300, describe: async () => `${await ipvsadmText()}\n${logTail()}` });
}

before(async () => {
  await clearTable();
  dir = mkdtempSync('/tmp/e2e-show-');
  env = { confDir: dir, pidDir: dir };
  writeTestPage(join(dir, 'www', GOOD));
  writeTestPage(join(dir, 'www', FAILING));
  rmSync(join(dir, 'www', FAILING, '.testpage'));
  nginx = await startNginx({ dir: join(dir, 'nginx'), sites: [GOOD, FAILING].map((a) => ({ address: a, port: 80, root: join(dir, 'www', a) })) });
  writeFileSync(join(dir, 'www.cf'), [
    'checktimeout=3', 'checkinterval=1', `logfile="${dir}/ldirectord.log"`, 'quiescent=yes', '',
    `virtual=${VIP}:80`, `\treal=${GOOD}:80 gate 2`, `\treal=${FAILING}:80 gate`, `\treal=${CLOSED}:80 gate`,
    '\tservice=http', '\trequest=".testpage"', '\treceive="Test Page"', '\tscheduler=wrr', '\tchecktype=negotiate', '',
  ].join('\n'));
});

after(async () => {
  await stopDaemon('www', env);
  await nginx?.stop();
  await clearTable();
  rmSync(dir, { recursive: true, force: true });
});

describe('show against the kernel table', { concurrency: false }, () => {
  test('show: each real\'s health and reason, and the weights the kernel holds', async () => {
    const none = await ldirectord(['www', 'show'], env);
    assert.equal(none.code, 3, 'no daemon yet');
    const st = await ldirectord(['www', 'start'], env);
    assert.equal(st.code, 0, `${st.stderr}\n${logTail()}`);
    // Checked, and the quiesced entries written (a real is 'down' between its failed check and
    // the write of its weight 0).
    const h = await until('every real checked and its weight written', async () => {
      const x = await show();
      return x.virtuals[0]?.reals.every((r) => r.health !== 'pending' && r.health !== 'down') ? x : undefined;
    });
    const by = (a: string) => h.virtuals[0]!.reals.find((r) => r.address === a)!;
    assert.deepEqual([by(GOOD).health, by(GOOD).last?.reason, by(GOOD).forward], ['up', '200 OK', 'Route']);
    assert.equal(by(FAILING).health, 'quiescent');
    assert.match(by(FAILING).last!.reason, /^404 Not Found/);
    assert.deepEqual([by(CLOSED).health, by(CLOSED).last?.reason], ['quiescent', 'ECONNREFUSED']);
    // The view's kernel column is the kernel's: ipvsadm agrees real by real.
    const k = await kernelDests();
    for (const r of h.virtuals[0]!.reals) assert.equal(k?.get(`${r.address}:80`)?.weight, r.weight.kernel, `${r.address}\n${await ipvsadmText()}`);
    assert.deepEqual(h.virtuals[0]!.reals.map((r) => r.weight.kernel), [2, 0, 0]);

    const text = await ldirectord(['www', 'show'], env);
    assert.equal(text.code, 0);
    assert.match(text.stdout, new RegExp(`\\nTCP  ${VIP.replace(/\./g, '\\.')}:80 wrr\\n`), 'the service line as ipvsadm prints it');
    assert.match(text.stdout, /\n {2}-> 127\.0\.0\.3:80 +Route +0 +1 +quiescent .*404 Not Found/);
  });

  test('drain and enable move the real\'s weight in the kernel', async () => {
    const dr = await ldirectord(['www', 'drain', GOOD, '--reason', 'e2e'], env);
    assert.equal(dr.code, 0, dr.stderr);
    await until('drained to weight 0 in the kernel', async () => ((await kernelDests())?.get(`${GOOD}:80`)?.weight === 0 ? true : undefined));
    assert.equal((await show()).virtuals[0]!.reals[0]!.health, 'drained');
    const en = await ldirectord(['www', 'enable', GOOD], env);
    assert.equal(en.code, 0, en.stderr);
    await until('back at weight 2 in the kernel', async () => ((await kernelDests())?.get(`${GOOD}:80`)?.weight === 2 ? true : undefined));
  });

  test('a real that comes back is shown up with its reason', async () => {
    writeTestPage(join(dir, 'www', FAILING));
    const h = await until('the failing real back', async () => {
      const x = await show();
      return x.virtuals[0]!.reals[1]!.health === 'up' ? x : undefined;
    });
    assert.equal(h.virtuals[0]!.reals[1]!.weight.kernel, 1);
    assert.match(logTail(), /Real server 127\.0\.0\.3:80 \(tcp:192\.0\.2\.81:80\) is up: 200 OK/);
  });
});
