import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pidFilePath, probePidFile, removePidFile, writePidFile } from '../../src/daemon/pidfile.js';
import { isLdError } from '../../src/util/errors.js';

function withDir(fn: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'ld-pid-'));
  try { fn(dir); } finally { rmSync(dir, { recursive: true, force: true }); }
}

const running = (pids: number[]) => (pid: number) => pids.includes(pid);

test('pidFilePath is <dir>/ldirectord.<CFGNAME>.pid', () => {
  assert.equal(pidFilePath('/var/run', 'www'), '/var/run/ldirectord.www.pid');
  assert.equal(pidFilePath('/var/run', 'ldirectord.cf'), '/var/run/ldirectord.ldirectord.cf.pid');
});

const probes: { desc: string; content?: string; symlink?: boolean; want: ReturnType<typeof probePidFile> }[] = [
  { desc: 'no file', want: { kind: 'absent' } },
  { desc: 'running pid', content: '100\n', want: { kind: 'running', pid: 100 } },
  { desc: 'dead pid', content: '200\n', want: { kind: 'stale', pid: 200 } },
  { desc: 'garbage', content: 'hello\n', want: { kind: 'stale', pid: undefined } },
  { desc: 'empty', content: '', want: { kind: 'stale', pid: undefined } },
  { desc: 'symlink', symlink: true, want: { kind: 'symlink' } },
];
for (const c of probes) {
  test(`probePidFile: ${c.desc}`, () => withDir((dir) => {
    const p = join(dir, 'ldirectord.www.pid');
    if (c.content !== undefined) writeFileSync(p, c.content);
    if (c.symlink) { writeFileSync(join(dir, 't'), '100\n'); symlinkSync(join(dir, 't'), p); }
    assert.deepEqual(probePidFile(p, running([100])), c.want);
  }));
}

test('writePidFile writes "<pid>\\n" and leaves no temp file behind', () => withDir((dir) => {
  const p = join(dir, 'ldirectord.www.pid');
  writePidFile(p, 1234, running([]));
  assert.equal(readFileSync(p, 'utf8'), '1234\n');
  assert.deepEqual(readdirSync(dir), ['ldirectord.www.pid']);
}));

test('writePidFile replaces a stale file', () => withDir((dir) => {
  const p = join(dir, 'ldirectord.www.pid');
  writeFileSync(p, '77\n');
  writePidFile(p, 1234, running([]));
  assert.equal(readFileSync(p, 'utf8'), '1234\n');
}));

test('writePidFile refuses a running daemon\'s file and keeps it', () => withDir((dir) => {
  const p = join(dir, 'ldirectord.www.pid');
  writeFileSync(p, '77\n');
  assert.throws(() => writePidFile(p, 1234, running([77])), (e) => isLdError(e, 'LD_ERR_PIDFILE') && /already running with pid 77/.test(e.message));
  assert.equal(readFileSync(p, 'utf8'), '77\n');
  assert.deepEqual(readdirSync(dir), ['ldirectord.www.pid']);
}));

test('writePidFile takes over the file of the `start` that spawned it (running), and only that one', () => withDir((dir) => {
  const p = join(dir, 'ldirectord.www.pid');
  writeFileSync(p, '77\n');
  assert.throws(() => writePidFile(p, 1234, running([77]), 78), (e) => isLdError(e, 'LD_ERR_PIDFILE') && /already running with pid 77/.test(e.message));
  writePidFile(p, 1234, running([77]), 77);
  assert.equal(readFileSync(p, 'utf8'), '1234\n');
  assert.deepEqual(readdirSync(dir), ['ldirectord.www.pid'], 'no temp file left');
}));

for (const dangling of [false, true]) {
  test(`writePidFile refuses a ${dangling ? 'dangling ' : ''}symlink and never writes through it`, () => withDir((dir) => {
    const p = join(dir, 'ldirectord.www.pid');
    const target = join(dir, 'target');
    if (!dangling) writeFileSync(target, 'precious\n');
    symlinkSync(target, p);
    assert.throws(() => writePidFile(p, 1234, running([])), (e) => isLdError(e, 'LD_ERR_PIDFILE') && /symbolic link/.test(e.message));
    if (dangling) assert.ok(!existsSync(target), 'nothing created at the link target');
    else assert.equal(readFileSync(target, 'utf8'), 'precious\n');
  }));
}

test('writePidFile into a missing directory is an LD_ERR_PIDFILE error', () => withDir((dir) => {
  assert.throws(() => writePidFile(join(dir, 'nope', 'x.pid'), 1, running([])), (e) => isLdError(e, 'LD_ERR_PIDFILE') && /ENOENT/.test(e.message));
}));

test('removePidFile removes only a file naming our pid', () => withDir((dir) => {
  const p = join(dir, 'ldirectord.www.pid');
  writeFileSync(p, '55\n');
  assert.equal(removePidFile(p, 1234), false);
  assert.ok(existsSync(p));
  assert.equal(removePidFile(p, 55), true);
  assert.ok(!existsSync(p));
  assert.equal(removePidFile(p, 55), false);
}));
