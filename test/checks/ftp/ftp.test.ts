/**
 * ftp against a real vsftpd: download and match, empty receive ("transfer succeeded"), wrong
 * receive, missing file, refused login, the maxBytes bound, refused port, silent server.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SERVICE_CHECKS } from '../../../src/checks/registry.js';
import { makeTempDir, type TempDir } from '../../harness/tmp.js';
import { freePort } from '../../harness/ports.js';
import { startHungServer, startTcpServer, type TestServer } from '../../harness/tcp.js';
import type { ServerProcess } from '../../harness/proc.js';
import { CTX, assertDownAfterStop, assertTimedOut, serviceSpec, never, timed } from '../../harness/index.js';
import { FILES, FTP_ADDR, startVsftpd } from './vsftpd.js';

const ftp = SERVICE_CHECKS.ftp;

describe('ftp against vsftpd', () => {
  let dir: TempDir;
  let vs: { proc: ServerProcess; port: number };
  let hung: TestServer;
  before(async () => {
    dir = makeTempDir('vsftpd');
    vs = await startVsftpd(dir);
    hung = await startHungServer('127.0.6.15');
  });
  after(async () => {
    await vs?.proc.stop();
    await hung?.close();
    dir?.remove();
  });

  const size = (FILES['check.txt'] ?? '').length;
  const cases = [
    { desc: 'anonymous download matching receive', over: { request: '/check.txt', receive: 'systems nominal' }, up: true, msg: `check.txt: ${size} bytes received` },
    { desc: 'empty login/passwd default to anonymous', over: { request: '/check.txt', receive: '^ldirectord' }, up: true, msg: /bytes received/ },
    { desc: 'explicit anonymous login', over: { request: '/check.txt', login: 'anonymous', passwd: 'x@y', receive: 'nominal' }, up: true, msg: /bytes received/ },
    { desc: 'empty receive: transfer succeeded is up', over: { request: '/check.txt' }, up: true, msg: /bytes received/ },
    { desc: 'receive not in the file is down', over: { request: '/check.txt', receive: 'meltdown' }, up: false, msg: /^response mismatch: "ldirectord ftp check/ },
    { desc: 'missing file is down (even with empty receive)', over: { request: '/nope.txt' }, up: false, msg: /^RETR nope\.txt: 550/ },
    { desc: 'refused login is down', over: { request: '/check.txt', login: 'bob', passwd: 'pw' }, up: false, msg: /^login: 530/ },
    // maxBytes bounds everything read: the control replies (greeting, login, PASV...) come first.
    { desc: 'a long file is judged on what fits in maxBytes (match)', over: { request: '/big.bin', receive: '^x+$', maxBytes: 1000 }, up: true, msg: /^first [1-9]\d{2} bytes of big.bin received$/ },
    { desc: 'a long file is judged on what fits in maxBytes (no match past the bound)', over: { request: '/big.bin', receive: 'TAIL-MARKER', maxBytes: 1000 }, up: false, msg: /^response mismatch/ },
    { desc: 'the whole long file within maxBytes', over: { request: '/big.bin', receive: 'TAIL-MARKER', maxBytes: 300_000 }, up: true, msg: /bytes received/ },
  ];
  for (const c of cases) {
    it(c.desc, async () => {
      const r = await ftp(serviceSpec('ftp', FTP_ADDR, vs.port, c.over), never(), CTX);
      assert.equal(r.up, c.up, r.message);
      if (typeof c.msg === 'string') assert.equal(r.message, c.msg);
      else assert.match(r.message, c.msg);
    });
  }

  it('goes down (refused) once vsftpd is stopped', async () => {
    const d2 = makeTempDir('vsftpd2');
    await assertDownAfterStop({
      start: () => startVsftpd(d2),
      stop: (v2) => v2.proc.stop(),
      cleanup: async (v2) => { await v2?.proc.stop(); d2.remove(); },
      probes: (v2) => [() => ftp(serviceSpec('ftp', FTP_ADDR, v2.port, { request: '/check.txt', receive: 'nominal' }), never(), CTX)],
      refused: /ECONNREFUSED/,
    });
  });

  it('refused port is down', async () => {
    const port = await freePort('127.0.6.16');
    const r = await ftp(serviceSpec('ftp', '127.0.6.16', port), never(), CTX);
    assert.equal(r.up, false);
    assert.match(r.message, /ECONNREFUSED/);
  });

  it('a silent server is down within the timeout', async () => {
    const { value: r, ms } = await timed(() => ftp(serviceSpec('ftp', hung.host, hung.port, { timeoutMs: 700 }), never(), CTX));
    assertTimedOut(r, 700, ms);
  });

  it('a server that greets and then stalls is down within the timeout', async () => {
    const srv = await startTcpServer('127.0.6.15', 0, (s) => { s.write('220 hello\r\n'); s.resume(); });
    try {
      const { value: r, ms } = await timed(() => ftp(serviceSpec('ftp', srv.host, srv.port, { timeoutMs: 700 }), never(), CTX));
      assertTimedOut(r, 700, ms);
    } finally {
      await srv.close();
    }
  });

  it('a non-FTP greeting is down', async () => {
    const srv = await startTcpServer('127.0.6.15', 0, (s) => { s.end('SSH-2.0-OpenSSH_9.2\r\n'); });
    try {
      const r = await ftp(serviceSpec('ftp', srv.host, srv.port, { timeoutMs: 2000 }), never(), CTX);
      assert.equal(r.up, false);
      assert.doesNotMatch(r.message, /timeout/);
    } finally {
      await srv.close();
    }
  });
});
