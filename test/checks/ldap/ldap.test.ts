/**
 * ldap and ldaps against a real slapd: anonymous and authenticated bind, base search, receive
 * on the DN, bad credentials, missing base, refused, a silent server, a SIGSTOPped slapd
 * (PR #318) and the byte bound.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SERVICE_CHECKS } from '../../../src/checks/registry.js';
import type { CheckFn } from '../../../src/checks/types.js';
import { makeTempDir, type TempDir } from '../../harness/tmp.js';
import { freePort } from '../../harness/ports.js';
import { startHungServer, type TestServer } from '../../harness/tcp.js';
import { CTX, assertDownAfterStop, assertTimedOut, serviceSpec, never, timed } from '../../harness/index.js';
import { ROOT_DN, ROOT_PW, SLAPD_ADDR, SUFFIX, startSlapd, type SlapdServer } from './slapd.js';

const { ldap, ldaps } = SERVICE_CHECKS;

const CHECKS: Record<'ldap' | 'ldaps', CheckFn> = { ldap, ldaps };

describe('ldap/ldaps against slapd', () => {
  let dir: TempDir;
  let slapd: SlapdServer;
  let hung: TestServer;
  let refused: number;
  const port = (svc: 'ldap' | 'ldaps'): number => (svc === 'ldap' ? slapd.ldapPort : slapd.ldapsPort);
  before(async () => {
    dir = makeTempDir('slapd');
    slapd = await startSlapd(dir);
    hung = await startHungServer('127.0.6.12');
    refused = await freePort('127.0.6.13');
  });
  after(async () => {
    await slapd?.proc.stop();
    await hung?.close();
    dir?.remove();
  });

  for (const svc of ['ldap', 'ldaps'] as const) {
    const cases = [
      { desc: 'anonymous base search finds the entry', over: { request: `/${SUFFIX}` }, up: true, msg: `found "${SUFFIX}"` },
      { desc: 'root DN bind + search', over: { request: `/ou=people,${SUFFIX}`, login: ROOT_DN, passwd: ROOT_PW }, up: true, msg: `found "ou=people,${SUFFIX}"` },
      { desc: 'receive matching the DN', over: { request: `/${SUFFIX}`, receive: '^dc=example,' }, up: true, msg: /^found/ },
      { desc: 'login without passwd binds anonymously (as the original)', over: { request: `/${SUFFIX}`, login: 'cn=nobody,dc=x' }, up: true, msg: /^found/ },
      { desc: 'receive not matching the DN is down', over: { request: `/${SUFFIX}`, receive: '^ou=' }, up: false, msg: /^response mismatch: DN "dc=example,dc=test"/ },
      { desc: 'wrong password is down', over: { request: `/${SUFFIX}`, login: ROOT_DN, passwd: 'nope' }, up: false, msg: /^bind failed: invalid credentials \(49\)/ },
      { desc: 'missing base entry is down', over: { request: `/ou=ghosts,${SUFFIX}` }, up: false, msg: /^search failed: no such object \(32\)/ },
      { desc: 'invalid receive regex is down, not a crash', over: { request: `/${SUFFIX}`, receive: '(unbalanced' }, up: false, msg: /^invalid receive regex/ },
      { desc: 'replies beyond maxBytes are cut off', over: { request: `/${SUFFIX}`, maxBytes: 10 }, up: false, msg: /exceeds 10 bytes/ },
    ];
    for (const c of cases) {
      it(`${svc}: ${c.desc}`, async () => {
        const r = await CHECKS[svc](serviceSpec(svc, SLAPD_ADDR, port(svc), c.over), never(), CTX);
        assert.equal(r.up, c.up, r.message);
        if (typeof c.msg === 'string') assert.equal(r.message, c.msg);
        else assert.match(r.message, c.msg);
      });
    }

    it(`${svc}: refused is down`, async () => {
      const r = await CHECKS[svc](serviceSpec(svc, '127.0.6.13', refused), never(), CTX);
      assert.equal(r.up, false);
      assert.match(r.message, /ECONNREFUSED/);
    });

    it(`${svc}: a silent server is down within the timeout`, async () => {
      const { value: r, ms } = await timed(() => CHECKS[svc](serviceSpec(svc, hung.host, hung.port, { timeoutMs: 600 }), never(), CTX));
      assertTimedOut(r, 600, ms);
    });

    it(`${svc}: a SIGSTOPped slapd is down within the timeout (PR #318)`, async () => {
      const spec = serviceSpec(svc, SLAPD_ADDR, port(svc), { request: `/${SUFFIX}`, timeoutMs: 800 });
      process.kill(slapd.proc.pid, 'SIGSTOP');
      try {
        const { value: r, ms } = await timed(() => CHECKS[svc](spec, never(), CTX));
        assertTimedOut(r, 800, ms);
      } finally {
        process.kill(slapd.proc.pid, 'SIGCONT');
      }
      // And it recovers once slapd runs again.
      const r = await CHECKS[svc](spec, never(), CTX);
      assert.equal(r.up, true, r.message);
    });
  }

  it('ldap over IPv6 loopback', async () => {
    const r = await ldap(serviceSpec('ldap', '::1', slapd.ldap6Port, { family: 6, request: `/${SUFFIX}` }), never(), CTX);
    assert.equal(r.up, true, r.message);
  });

  it('ldaps with tlsVerify rejects the self-signed certificate', async () => {
    const r = await ldaps(serviceSpec('ldaps', SLAPD_ADDR, slapd.ldapsPort, { request: `/${SUFFIX}`, tlsVerify: true }), never(), CTX);
    assert.equal(r.up, false);
    assert.match(r.message, /self.signed|SELF_SIGNED/i);
  });

  it('ldap is down (refused) once slapd is stopped', async () => {
    const d2 = makeTempDir('slapd2');
    await assertDownAfterStop({
      start: () => startSlapd(d2),
      stop: (s2) => s2.proc.stop(),
      cleanup: async (s2) => { await s2?.proc.stop(); d2.remove(); },
      probes: (s2) => [() => ldap(serviceSpec('ldap', SLAPD_ADDR, s2.ldapPort, { request: `/${SUFFIX}` }), never(), CTX)],
      refused: /ECONNREFUSED/,
    });
  });
});
