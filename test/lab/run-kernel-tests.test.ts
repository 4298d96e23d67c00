/**
 * The kernel-test runner never skips silently: run as an unprivileged user (so the lab cannot
 * boot), it must print the framed warning and fail, unless LDIRECTORD_SKIP_LAB=1 outside CI.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const runner = fileURLToPath(new URL('./run-kernel-tests.js', import.meta.url));
const canDrop = process.getuid?.() === 0 && existsSync('/usr/bin/setpriv');
const DROP = ['--reuid=65534', '--regid=65534', '--clear-groups'];

test('without the lab the runner warns loudly and fails, except when skipping is allowed outside CI',
  { skip: canDrop ? false : 'needs root and setpriv to run the runner as nobody' }, (t) => {
    // A checkout under a private directory (e.g. /root) is not readable by nobody.
    const readable = spawnSync('setpriv', [...DROP, 'test', '-r', runner]).status === 0;
    if (!readable) { t.skip(`nobody cannot read ${runner}`); return; }
    const table = [
      { desc: 'developer machine', env: {}, code: 1, says: /Set LDIRECTORD_SKIP_LAB=1/ },
      { desc: 'developer opts out', env: { LDIRECTORD_SKIP_LAB: '1' }, code: 0, says: /exiting 0 anyway/ },
      { desc: 'CI', env: { CI: 'true' }, code: 1, says: /CI is set: this is a failure/ },
      { desc: 'CI ignores the opt-out', env: { CI: 'true', LDIRECTORD_SKIP_LAB: '1' }, code: 1, says: /CI is set: this is a failure/ },
    ];
    for (const c of table) {
      const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, ...c.env };
      const r = spawnSync('setpriv', [...DROP, process.execPath, runner],
        { env, encoding: 'utf8', timeout: 30_000 });
      assert.equal(r.status, c.code, `${c.desc}: exit status (stderr: ${r.stderr})`);
      assert.match(r.stderr, /KERNEL TESTS DID NOT RUN/, `${c.desc}: the warning`);
      assert.match(r.stderr, /reason: not root/, `${c.desc}: the reason`);
      assert.match(r.stderr, c.says, c.desc);
    }
  });
