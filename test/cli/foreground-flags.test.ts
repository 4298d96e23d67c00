/**
 * The foreground daemon (-d; supervised=yes and systemd's ExecStart alike) is the process the
 * command started, so it gets the daemon's V8 flags from bin/ldirectord's first line
 * (`#!/usr/bin/env -S node <flags>`), which must stay equal to DEFAULT_DAEMON_NODE_FLAGS; the
 * detached daemon still gets exactly the defaults, or LDIRECTORD_NODE_FLAGS instead of them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { DEFAULT_DAEMON_NODE_FLAGS, daemonExecArgv } from '../../src/cli/daemon-flags.js';
import { BASIC, BIN, Sandbox, waitFor } from './helpers.js';

test('bin/ldirectord\'s shebang carries exactly the default daemon flags', () => {
  const first = readFileSync(BIN, 'utf8').split('\n')[0]!;
  assert.deepEqual(first.split(/\s+/), ['#!/usr/bin/env', '-S', 'node', ...DEFAULT_DAEMON_NODE_FLAGS]);
});

test('detached daemon of a command run with the shebang: the defaults once; LDIRECTORD_NODE_FLAGS replaces them', () => {
  const shebang = [...DEFAULT_DAEMON_NODE_FLAGS];
  assert.deepEqual(daemonExecArgv(shebang, {}), DEFAULT_DAEMON_NODE_FLAGS);
  assert.deepEqual(daemonExecArgv(shebang, { LDIRECTORD_NODE_FLAGS: '--max-semi-space-size=2' }), ['--max-semi-space-size=2']);
  assert.deepEqual(daemonExecArgv(shebang, { LDIRECTORD_NODE_FLAGS: '' }), []);
  assert.deepEqual(daemonExecArgv([...shebang, '--inspect=0'], { LDIRECTORD_NODE_FLAGS: '' }), ['--inspect=0']);
});

test('-d run as a command: the foreground daemon runs with the default V8 flags', { timeout: 60_000 }, async () => {
  const sb = new Sandbox();
  try {
    sb.writeConfig('www', BASIC);
    // As an admin or systemd runs it: the file itself, not `node <file>`.
    const child = spawn(BIN, ['-d', 'www', 'start'], { env: sb.env(), cwd: sb.dir, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => { err += d; });
    try {
      assert.ok(await waitFor(() => /idle engine for/.test(err)), err);
      const pid = Number(/with pid: (\d+)/.exec(err)?.[1]);
      assert.equal(pid, child.pid, 'env exec()s node: the daemon is the process systemd started');
      const argv = readFileSync(`/proc/${pid}/cmdline`, 'latin1').split('\0');
      const script = argv.indexOf(BIN);
      assert.ok(script > 0, argv.join(' '));
      assert.deepEqual(argv.slice(1, script), [...DEFAULT_DAEMON_NODE_FLAGS]);
      assert.deepEqual(argv.slice(script, script + 4), [BIN, '-d', 'www', 'start']);
    } finally {
      const exited = new Promise((resolve) => { if (child.exitCode !== null || child.signalCode !== null) resolve(undefined); else child.once('exit', resolve); });
      child.kill('SIGTERM');
      await exited;
    }
    assert.equal(child.exitCode, 0, err);
  } finally { sb.cleanup(); }
});
