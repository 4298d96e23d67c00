// The action matrix of reference §1.2: every action against a running daemon, no daemon, and a
// stale pid file, with exit codes, messages and the state left behind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { alive, BASIC, Sandbox, waitFor, type RunResult } from './helpers.js';

type State = 'running' | 'stopped' | 'stale';
/** After: what must hold afterwards; 'same' = the original daemon still runs, 'new' = another pid runs. */
type After = 'same' | 'new' | 'none' | 'stale-kept';

interface Case {
  action: string;
  state: State;
  code: number;
  after: After;
  stdout?: RegExp;
  stderr?: RegExp;
  log?: RegExp;
}

const STALE_PID = 999999999;
const cases: Case[] = [
  { action: 'start', state: 'running', code: 0, after: 'same' },
  { action: 'start', state: 'stopped', code: 0, after: 'new' },
  { action: 'start', state: 'stale', code: 0, after: 'new' },
  { action: 'stop', state: 'running', code: 0, after: 'none', log: /Linux Director Daemon terminated on signal: TERM/ },
  { action: 'stop', state: 'stopped', code: 0, after: 'none' },
  { action: 'stop', state: 'stale', code: 0, after: 'stale-kept' },
  { action: 'restart', state: 'running', code: 0, after: 'new', log: /terminated on signal: TERM/ },
  { action: 'restart', state: 'stopped', code: 0, after: 'new' },
  { action: 'restart', state: 'stale', code: 0, after: 'new' },
  { action: 'try-restart', state: 'running', code: 0, after: 'new' },
  { action: 'try-restart', state: 'stopped', code: 0, after: 'none' },
  { action: 'try-restart', state: 'stale', code: 0, after: 'stale-kept' },
  { action: 'reload', state: 'running', code: 0, after: 'same', log: /Reloading Linux Director Daemon config on signal/ },
  { action: 'reload', state: 'stopped', code: 1, after: 'none', stderr: /^ldirectord is stopped for \S+www$/m },
  { action: 'reload', state: 'stale', code: 1, after: 'stale-kept', stderr: /^ldirectord is stopped for /m },
  { action: 'force-reload', state: 'running', code: 0, after: 'same', log: /Reloading Linux Director Daemon config on signal/ },
  { action: 'force-reload', state: 'stopped', code: 1, after: 'none' },
  { action: 'status', state: 'running', code: 0, after: 'same', stderr: /^ldirectord for \S+www is running with pid: \d+$/m },
  { action: 'status', state: 'stopped', code: 3, after: 'none', stdout: /^ldirectord is stopped for \S+www$/m },
  {
    action: 'status', state: 'stale', code: 1, after: 'stale-kept',
    stdout: /^ldirectord is stopped for \S+www$/m, stderr: /^ldirectord stale pid file \S+ldirectord\.www\.pid for \S+www$/m,
  },
];

async function arrange(sb: Sandbox, state: State): Promise<number | undefined> {
  sb.writeConfig('www', BASIC);
  if (state === 'stale') writeFileSync(sb.pidFile('www'), `${STALE_PID}\n`);
  if (state !== 'running') return undefined;
  const r = await sb.ldirectord(['www', 'start']);
  assert.equal(r.code, 0, r.stderr);
  const pid = sb.readPid('www');
  assert.ok(pid && alive(pid), 'daemon running after start');
  sb.extraPids.add(pid);
  return pid;
}

function check(c: Case, sb: Sandbox, before: number | undefined, r: RunResult): void {
  assert.equal(r.code, c.code, `exit code; stderr: ${r.stderr}`);
  if (c.stdout) assert.match(r.stdout, c.stdout);
  if (c.stderr) assert.match(r.stderr, c.stderr);
  const now = sb.readPid('www');
  switch (c.after) {
    case 'same':
      assert.equal(now, before);
      assert.ok(alive(before!), 'original daemon still alive');
      break;
    case 'new':
      assert.ok(now && now !== before && now !== STALE_PID, `a new daemon (pid file says ${now})`);
      assert.ok(alive(now), 'new daemon alive');
      sb.extraPids.add(now);
      if (before) assert.ok(!alive(before), 'old daemon gone');
      break;
    case 'none':
      assert.equal(now, undefined, 'no pid file');
      if (before) assert.ok(!alive(before), 'daemon gone');
      break;
    case 'stale-kept':
      assert.equal(now, STALE_PID, 'stale pid file left alone');
      break;
  }
}

for (const c of cases) {
  test(`${c.action} with the daemon ${c.state}: exit ${c.code}`, { timeout: 60_000 }, async () => {
    const sb = new Sandbox();
    try {
      const before = await arrange(sb, c.state);
      const r = await sb.ldirectord(['www', c.action]);
      check(c, sb, before, r);
      if (c.log) {
        const re = c.log;
        assert.ok(await waitFor(() => re.test(sb.readLog()), 5000), `log matches ${re}:\n${sb.readLog()}`);
      }
    } finally {
      sb.cleanup();
    }
  });
}
