/**
 * smtp and submission against a real exim4 on loopback: up, refused, silent (timeout), a 550
 * greeting, EHLO refused with HELO fallback, and HELO refused too.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SERVICE_CHECKS } from '../../../src/checks/registry.js';
import { makeTempDir, type TempDir } from '../../harness/tmp.js';
import { freePort } from '../../harness/ports.js';
import { startHungServer, type TestServer } from '../../harness/tcp.js';
import { EXIM_ADDR, EXIM_DENY, EXIM_NOEHLO, EXIM_NOHELO, REFUSED_HELO, startExim, type EximServer } from './servers.js';
import { CTX, assertDownAfterStop, assertTimedOut, serviceSpec, never, timed } from '../../harness/index.js';

const { smtp, submission } = SERVICE_CHECKS;

describe('smtp/submission against exim4', () => {
  let dir: TempDir;
  let exim: EximServer;
  let hung: TestServer;
  before(async () => {
    dir = makeTempDir('exim');
    exim = await startExim(dir);
    hung = await startHungServer('127.0.6.8');
  });
  after(async () => {
    await exim?.proc.stop();
    await hung?.close();
    dir?.remove();
  });

  const cases = [
    { desc: 'smtp: greeting + EHLO', fn: () => smtp, port: () => exim.smtpPort, host: EXIM_ADDR, up: true, msg: /^220 mx\.test\.invalid ESMTP/ },
    { desc: 'submission: greeting + EHLO', fn: () => submission, port: () => exim.submissionPort, host: EXIM_ADDR, up: true, msg: /^220 / },
    { desc: 'smtp: EHLO refused, HELO accepted', fn: () => smtp, port: () => exim.smtpPort, host: EXIM_NOEHLO, up: true, msg: /^220 / },
    { desc: 'smtp: 550 greeting is down', fn: () => smtp, port: () => exim.smtpPort, host: EXIM_DENY, up: false, msg: /^greeting: 550 go away/ },
    { desc: 'submission: EHLO and HELO refused is down', fn: () => submission, port: () => exim.submissionPort, host: EXIM_NOHELO, up: false, msg: /^HELO: 550 no HELO either/ },
  ];
  for (const c of cases) {
    it(c.desc, async () => {
      const r = await c.fn()(serviceSpec('smtp', c.host, c.port()), never(), CTX);
      assert.equal(r.up, c.up, r.message);
      assert.match(r.message, c.msg);
    });
  }

  it('sends EHLO/HELO with the context hostname', async () => {
    // exim refuses exactly REFUSED_HELO, so the verdict flips only if that name is what was sent.
    const r = await smtp(serviceSpec('smtp', EXIM_ADDR, exim.smtpPort), never(), { hostname: REFUSED_HELO });
    assert.equal(r.up, false);
    assert.equal(r.message, `HELO: 550 bad name ${REFUSED_HELO}`);
  });

  it('is down when nothing listens (refused)', async () => {
    const port = await freePort('127.0.6.9');
    const r = await smtp(serviceSpec('smtp', '127.0.6.9', port), never(), CTX);
    assert.equal(r.up, false);
    assert.match(r.message, /ECONNREFUSED/);
  });

  it('is down with a timeout when the server never greets', async () => {
    const { value: r, ms } = await timed(() => submission(serviceSpec('submission', hung.host, hung.port, { timeoutMs: 700 }), never(), CTX));
    assertTimedOut(r, 700, ms);
  });

  it('goes down (refused) once exim is stopped', async () => {
    const d2 = makeTempDir('exim2');
    await assertDownAfterStop({
      start: () => startExim(d2),
      stop: (e2) => e2.proc.stop(),
      cleanup: async (e2) => { await e2?.proc.stop(); d2.remove(); },
      probes: (e2) => [() => smtp(serviceSpec('smtp', EXIM_ADDR, e2.smtpPort), never(), CTX)],
      refused: /ECONNREFUSED/,
    });
  });
});
