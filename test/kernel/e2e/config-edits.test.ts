/**
 * Issue 9 in the real kernel: the built `ldirectord` command runs on a www.cf with autoreload=yes
 * and a logfile=; each test edits the file with a real tool (cat >, a slow writer, mv, sed -i,
 * >>, rm and recreate, : >, an invalid edit, and HUP through `ldirectord www reload` in the middle
 * of a slow write) while the kernel table is sampled every 20 ms from /proc/net/ip_vs. Every
 * sample must be the table before or after the edit; exactly one reload; the log stays where
 * logfile= says (never the default /var/log/ldirectord.log).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { daemonPid, ldirectord, type CliEnv, stopDaemon } from '../../e2e-support/cli.js';
import { baseConfig, BEFORE, canonical, EDIT_CASES, EDITED, judgeEdit, slowWrite, waitTrue, type EditCase, type Judge } from '../../e2e-support/config-edits.js';
import { clearTable, ipvsadmText, parseProcIpvs } from '../../e2e-support/ipvs-table.js';
import { assertInLab } from '../support.js';

assertInLab();

/** Generous: the lab is 30-40x slower per syscall and shares two cores with everything else. */
const SETTLE_MS = 60_000;
const SVC = 'TCP 192.0.2.90:80';

let dir: string;
let env: CliEnv;
const file = (): string => join(dir, 'www.cf');
const log = (): string => join(dir, 'ldirectord.log');

const judge: Judge = {
  async sample() {
    const dests = parseProcIpvs(readFileSync('/proc/net/ip_vs', 'utf8')).get(SVC);
    return dests ? canonical([...dests].map(([a, d]) => [a, d.weight] as const)) : '';
  },
  logLines: () => { try { return readFileSync(log(), 'utf8').split('\n').filter((l) => l !== ''); } catch { return []; } },
};

async function cli(...args: string[]): Promise<void> {
  const r = await ldirectord(args, env);
  assert.equal(r.code, 0, `ldirectord ${args.join(' ')} exited ${r.code}\n${r.stdout}${r.stderr}\n${judge.logLines().slice(-20).join('\n')}`);
}

before(async () => {
  // The default log, where the outage of issue 9 wrote "Deleted virtual server": must stay untouched.
  rmSync('/var/log/ldirectord.log', { force: true });
  await clearTable();
});

after(async () => {
  await clearTable();
  assert.equal(existsSync('/var/log/ldirectord.log'), false, 'nothing was ever logged to the default log');
});

async function startOn(autoreload: boolean): Promise<void> {
  dir = mkdtempSync('/tmp/e2e-edits-');
  env = { confDir: dir, pidDir: dir };
  writeFileSync(file(), baseConfig({ logfile: log(), autoreload }));
  await cli('www', 'start');
  await waitTrue('the table is programmed', async () => (await judge.sample()) === BEFORE, SETTLE_MS);
}

async function stopIt(): Promise<void> {
  await stopDaemon('www', env);
  rmSync(dir, { recursive: true, force: true });
}

/** restore puts the base file back (renamed over, the quickest clean edit) and waits until it is applied. */
async function restore(): Promise<void> {
  const base = baseConfig({ logfile: log(), autoreload: true });
  if (readFileSync(file(), 'utf8') === base) return;
  const changes = (): number => judge.logLines().filter((l) => l.includes('has changed on disk')).length;
  const before = changes();
  writeFileSync(`${file()}.restore`, base);
  renameSync(`${file()}.restore`, file());
  await waitTrue('the base config is back', async () => changes() > before && (await judge.sample()) === BEFORE, SETTLE_MS);
}

const edited = (): string => readFileSync(file(), 'utf8').replace('127.0.0.3:80 masq 1', '127.0.0.3:80 masq 5');

// One daemon for every edit (a start and a stop cost seconds each in the lab); each case starts
// from the base file, put back and applied by the restore.
describe('kernel: autoreload, edited in place', { concurrency: false }, () => {
  before(() => startOn(true));
  after(() => stopIt());
  for (const c of EDIT_CASES) {
    test(c.name, async () => {
      await restore();
      try {
        await judgeEdit(c, file(), edited(), judge, SETTLE_MS);
      } catch (e) {
        throw new Error(`${(e as Error).message}\n${await ipvsadmText()}`);
      }
      assert.ok(!judge.logLines().some((l) => l.includes('Deleted virtual server')), 'the virtual service was never deleted');
    });
  }
});

// SIGHUP as systemd's ExecReload and scripts send it (`ldirectord www reload` first parses the
// file itself, so in the middle of a write it reports the torn file as a config error instead).
test('kernel: SIGHUP in the middle of a slow write loads the final content', async () => {
  await startOn(false);
  try {
    const hup: EditCase = {
      name: 'HUP during a slow write (autoreload=no)',
      expect: EDITED,
      edit: async (f, text) => {
        const writing = slowWrite(f, text, 1);
        await waitTrue('the first chunk is on disk', () => {
          const now = readFileSync(f, 'utf8');
          return now.length > 0 && now !== text && text.startsWith(now);
        }, SETTLE_MS);
        process.kill(daemonPid(dir, 'www')!, 'SIGHUP');
        await writing;
      },
    };
    await judgeEdit(hup, file(), edited(), judge, SETTLE_MS);
    assert.equal(judge.logLines().filter((l) => l.includes('on signal')).length, 1, 'one reload on signal');
  } finally { await stopIt(); }
});
