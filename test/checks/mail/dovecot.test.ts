/**
 * pop, pops, imap and imaps against a real dovecot on loopback: greeting only, good login, bad
 * login, refused, silent (timeout) - and the fix of reference §0 #10: pop without a login
 * against a refused port is down, not "always up".
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SERVICE_CHECKS } from '../../../src/checks/registry.js';
import type { CheckFn } from '../../../src/checks/types.js';
import { makeTempDir, type TempDir } from '../../harness/tmp.js';
import { freePort } from '../../harness/ports.js';
import { startHungServer, startTcpServer, type TestServer } from '../../harness/tcp.js';
import { DOVECOT_ADDR, MAIL_PASS, MAIL_USER, startDovecot, type DovecotServer } from './servers.js';
import { CTX, assertDownAfterStop, assertTimedOut, serviceSpec, never, timed } from '../../harness/index.js';

const { pop, pops, imap, imaps } = SERVICE_CHECKS;

type Svc = 'pop' | 'pops' | 'imap' | 'imaps';
const CHECKS: Record<Svc, CheckFn> = { pop, pops, imap, imaps };
const GREETING: Record<Svc, RegExp> = {
  pop: /^\+OK .*Dovecot/, pops: /^\+OK .*Dovecot/, imap: /^\* OK .*Dovecot/, imaps: /^\* OK .*Dovecot/,
};

describe('pop/pops/imap/imaps against dovecot', () => {
  let dir: TempDir;
  let dov: DovecotServer;
  let hung: TestServer;
  let refused: number;
  before(async () => {
    dir = makeTempDir('dovecot');
    dov = await startDovecot(dir);
    hung = await startHungServer('127.0.6.8');
    refused = await freePort('127.0.6.9');
  });
  after(async () => {
    await dov?.proc.stop();
    await hung?.close();
    dir?.remove();
  });

  for (const svc of ['pop', 'pops', 'imap', 'imaps'] as const) {
    const cases = [
      { desc: 'greeting only (no login) is up', login: '', passwd: '', up: true, msg: GREETING[svc] },
      { desc: 'good login is up', login: MAIL_USER, passwd: MAIL_PASS, up: true, msg: GREETING[svc] },
      { desc: 'wrong password is down', login: MAIL_USER, passwd: 'wrong', up: false, msg: svc.startsWith('pop') ? /^PASS: -ERR/ : /^LOGIN: NO/ },
      { desc: 'unknown user is down', login: 'mallory', passwd: MAIL_PASS, up: false, msg: /-ERR|NO/ },
    ];
    for (const c of cases) {
      it(`${svc}: ${c.desc}`, async () => {
        const spec = serviceSpec(svc, DOVECOT_ADDR, dov.ports[svc], { login: c.login, passwd: c.passwd });
        const r = await CHECKS[svc](spec, never(), CTX);
        assert.equal(r.up, c.up, r.message);
        assert.match(r.message, c.msg);
      });
    }

    it(`${svc}: refused is down, also without a login (reference §0 #10)`, async () => {
      const r = await CHECKS[svc](serviceSpec(svc, '127.0.6.9', refused), never(), CTX);
      assert.equal(r.up, false);
      assert.match(r.message, /ECONNREFUSED/);
    });

    it(`${svc}: a server that accepts and stays silent is down within the timeout`, async () => {
      const spec = serviceSpec(svc, hung.host, hung.port, { timeoutMs: 600, login: MAIL_USER, passwd: MAIL_PASS });
      const { value: r, ms } = await timed(() => CHECKS[svc](spec, never(), CTX));
      assertTimedOut(r, 600, ms);
    });
  }

  it('pop and imaps go down (refused) once dovecot is stopped', async () => {
    const d2 = makeTempDir('dovecot2');
    const login = { login: MAIL_USER, passwd: MAIL_PASS };
    await assertDownAfterStop({
      start: () => startDovecot(d2),
      stop: (dv2) => dv2.proc.stop(),
      cleanup: async (dv2) => { await dv2?.proc.stop(); d2.remove(); },
      probes: (dv2) => [
        () => pop(serviceSpec('pop', DOVECOT_ADDR, dv2.ports.pop, login), never(), CTX),
        () => imaps(serviceSpec('imaps', DOVECOT_ADDR, dv2.ports.imaps, login), never(), CTX),
      ],
      refused: /ECONNREFUSED/,
    });
  });

  it('pops against the plain pop3 port is down (TLS handshake fails), not up', async () => {
    const r = await pops(serviceSpec('pops', DOVECOT_ADDR, dov.ports.pop, { timeoutMs: 2000 }), never(), CTX);
    assert.equal(r.up, false);
  });

  it('tlsVerify rejects the self-signed certificate', async () => {
    const r = await imaps(serviceSpec('imaps', DOVECOT_ADDR, dov.ports.imaps, { tlsVerify: true }), never(), CTX);
    assert.equal(r.up, false);
    assert.match(r.message, /self.signed|SELF_SIGNED/i);
  });

  const wrong = [
    { desc: 'pop: an SMTP-style greeting is down', svc: 'pop' as const, greet: '220 not pop\r\n', msg: /^greeting: 220 not pop/ },
    { desc: 'pop: -ERR greeting is down', svc: 'pop' as const, greet: '-ERR busy\r\n', msg: /^greeting: -ERR busy/ },
    { desc: 'imap: BYE greeting is down', svc: 'imap' as const, greet: '* BYE too many\r\n', msg: /^greeting: \* BYE/ },
    { desc: 'imap: close without greeting is down', svc: 'imap' as const, greet: '', msg: /closed/ },
  ];
  for (const w of wrong) {
    it(w.desc, async () => {
      const srv = await startTcpServer('127.0.6.10', 0, (s) => { s.end(w.greet); });
      try {
        const r = await CHECKS[w.svc](serviceSpec(w.svc, srv.host, srv.port), never(), CTX);
        assert.equal(r.up, false);
        assert.match(r.message, w.msg);
      } finally {
        await srv.close();
      }
    });
  }
});
