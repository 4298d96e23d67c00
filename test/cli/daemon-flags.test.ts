// The V8 flags of the detached daemon: the defaults, the LDIRECTORD_NODE_FLAGS override, and
// never overriding a flag the user gave node (command line or NODE_OPTIONS).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { DEFAULT_DAEMON_NODE_FLAGS, daemonExecArgv } from '../../src/cli/daemon-flags.js';

const cases: { desc: string; execArgv: string[]; env: NodeJS.ProcessEnv; want: string[] }[] = [
  { desc: 'defaults before the caller\'s own flags', execArgv: ['--enable-source-maps'], env: {}, want: [...DEFAULT_DAEMON_NODE_FLAGS, '--enable-source-maps'] },
  { desc: 'the caller\'s semi-space flag wins', execArgv: ['--max-semi-space-size=16'], env: {}, want: ['--max-semi-space-size=16'] },
  { desc: 'underscore spelling counts as the same flag', execArgv: ['--max_semi_space_size=8'], env: {}, want: ['--max_semi_space_size=8'] },
  { desc: 'NODE_OPTIONS wins too', execArgv: [], env: { NODE_OPTIONS: '--require x --max-semi-space-size=8' }, want: [] },
  { desc: 'override replaces the defaults', execArgv: [], env: { LDIRECTORD_NODE_FLAGS: ' --max-semi-space-size=4  --optimize-for-size ' }, want: ['--max-semi-space-size=4', '--optimize-for-size'] },
  { desc: 'empty override: no flags', execArgv: ['--inspect=0'], env: { LDIRECTORD_NODE_FLAGS: '' }, want: ['--inspect=0'] },
];
for (const c of cases) test(c.desc, () => assert.deepEqual(daemonExecArgv(c.execArgv, c.env), c.want));

test('node accepts the default flags (a daemon that cannot start would fail every start)', () => {
  const r = spawnSync(process.execPath, [...DEFAULT_DAEMON_NODE_FLAGS, '-e', 'process.exit(7)'], { encoding: 'utf8' });
  assert.equal(r.status, 7, r.stderr);
});
