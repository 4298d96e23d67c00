import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lstatSync, mkdtempSync, statSync, writeFileSync, symlinkSync } from 'node:fs';
import { connect } from 'node:net';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseRequest, serveControl } from '../../src/daemon/control.js';
import { controlRequest, NoDaemon } from '../../src/cli/control-client.js';
import { LdError } from '../../src/util/errors.js';
import { memoryLogger } from '../../src/util/log.js';

const dir = mkdtempSync(join(tmpdir(), 'ld-control-'));

test('control requests: only show, drain and enable, with their fields', () => {
  assert.deepEqual(parseRequest('{"cmd":"show"}'), { cmd: 'show' });
  assert.deepEqual(parseRequest('{"cmd":"drain","real":"10.0.0.1"}'), { cmd: 'drain', real: '10.0.0.1', reason: '' });
  for (const bad of ['', 'show', '{"cmd":"reload"}', '{"cmd":"drain"}', '{"cmd":"enable","real":""}', 'null']) {
    assert.throws(() => parseRequest(bad), TypeError, bad);
  }
});

test('control socket: 0600, answers one request per connection, refuses junk, typed errors come back coded', async () => {
  const path = join(dir, 'a.sock');
  const seen: string[] = [];
  const srv = await serveControl(path, async (req) => {
    seen.push(req.cmd);
    if (req.cmd === 'enable') throw new LdError('LD_ERR_CONTROL', 'no drained real server matches 10.0.0.1');
    return { hello: 1 };
  }, memoryLogger());
  try {
    assert.equal(statSync(path).mode & 0o777, 0o600);
    assert.deepEqual(await controlRequest(path, { cmd: 'show' }, 5000), { ok: true, hello: 1 });
    assert.deepEqual(await controlRequest(path, { cmd: 'enable', real: '10.0.0.1' }, 5000),
      { ok: false, code: 'LD_ERR_CONTROL', message: 'no drained real server matches 10.0.0.1' });
    const junk = await new Promise<string>((resolve) => {
      const s = connect(path, () => s.write('{"cmd":"rm -rf"}\n'));
      let out = '';
      s.on('data', (d) => { out += d; });
      s.on('end', () => resolve(out));
    });
    assert.match(junk, /"ok":false.*unknown command/);
    assert.deepEqual(seen, ['show', 'enable']);
  } finally {
    await srv.close();
  }
  await assert.rejects(controlRequest(path, { cmd: 'show' }, 5000), (e) => e instanceof NoDaemon);
});

test('control socket: a dead daemon\'s socket is replaced; a live one, a file or a symlink is refused', async () => {
  // A socket file nobody listens on: a daemon killed with SIGKILL leaves it behind.
  const stale = join(dir, 'stale.sock');
  spawnSync(process.execPath, ['-e', `require('net').createServer().listen(${JSON.stringify(stale)}, () => process.kill(process.pid, 'SIGKILL'))`]);
  assert.ok(lstatSync(stale).isSocket(), 'the killed process left its socket');
  const srv = await serveControl(stale, async () => ({}), memoryLogger());
  await assert.rejects(serveControl(stale, async () => ({}), memoryLogger()), /in use by another daemon/);
  await srv.close();

  const file = join(dir, 'file.sock');
  writeFileSync(file, 'x');
  await assert.rejects(serveControl(file, async () => ({}), memoryLogger()), /not a socket/);
  const link = join(dir, 'link.sock');
  symlinkSync(file, link);
  await assert.rejects(serveControl(link, async () => ({}), memoryLogger()), /not a socket/);
});
