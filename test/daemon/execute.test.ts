import { test } from 'node:test';
import assert from 'node:assert/strict';
import { reconcileExecute, type ExecuteAction, type ExecuteRunner } from '../../src/daemon/execute.js';

function fakeRunner(failReload: string[] = []): ExecuteRunner & { calls: string[] } {
  const calls: string[] = [];
  const run = async (names: readonly string[], action: ExecuteAction) => {
    for (const n of names) calls.push(`${n} ${action}`);
    return names.map((n) => (action === 'reload' && failReload.includes(n) ? 1 : 0));
  };
  return Object.assign(run, { calls });
}

// reread_config (ldirectord L1196-1213): stop removed, reload kept (start if that fails), start new.
const cases = [
  { desc: 'unchanged list reloads each', before: ['a', 'b'], after: ['a', 'b'], fail: [], want: ['a reload', 'b reload'] },
  { desc: 'removed stops, added starts', before: ['a', 'b'], after: ['b', 'c'], fail: [], want: ['a stop', 'b reload', 'c start'] },
  { desc: 'failed reload falls back to start', before: ['a'], after: ['a'], fail: ['a'], want: ['a reload', 'a start'] },
  { desc: 'empty to empty does nothing', before: [], after: [], fail: [], want: [] },
];
for (const c of cases) {
  test(`reconcileExecute: ${c.desc}`, async () => {
    const run = fakeRunner(c.fail);
    await reconcileExecute(run, c.before, c.after);
    assert.deepEqual(run.calls, c.want);
  });
}

test('executeRunner: a spawn that throws at once (ENOMEM, EINVAL...) is logged and resolves -1, never rejects', async () => {
  const { executeRunner } = await import('../../src/daemon/execute.js');
  const { memoryLogger } = await import('../../src/util/log.js');
  const logger = memoryLogger();
  // A NUL byte makes child_process.spawn throw synchronously, as it does for ENOMEM.
  const run = executeRunner({ execPath: '/bin/no\0de', execArgv: [], script: 'ldirectord', env: {}, stdio: 'ignore', timeoutMs: 5000 }, logger);
  assert.deepEqual(await run(['a', 'b'], 'stop'), [-1, -1]);
  assert.equal(logger.lines.filter((l) => l.startsWith('error: Can not run ldirectord a stop')).length, 1, logger.lines.join('\n'));
});
