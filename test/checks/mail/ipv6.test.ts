/**
 * The line-protocol checks over IPv6 loopback (realAddress without brackets, family 6), against
 * scripted in-process responders: the address handling is the point, the protocols are covered
 * against real servers elsewhere.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { SERVICE_CHECKS } from '../../../src/checks/registry.js';
import type { CheckServiceName } from '../../../src/checks/types.js';
import { startTcpServer } from '../../harness/tcp.js';
import { CTX, serviceSpec, never } from '../../harness/index.js';

/** script answers each command line by the first matching rule. */
function scripted(greeting: string, rules: ReadonlyArray<readonly [RegExp, string]>): (s: Socket) => void {
  return (s) => {
    s.write(greeting);
    let buf = '';
    s.on('data', (d) => {
      buf += d.toString();
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl).trim();
        buf = buf.slice(nl + 1);
        const rule = rules.find(([re]) => re.test(line));
        if (rule) s.write(rule[1]);
      }
    });
  };
}

const cases: ReadonlyArray<{ svc: CheckServiceName; greeting: string; rules: ReadonlyArray<readonly [RegExp, string]>; login?: string }> = [
  { svc: 'smtp', greeting: '220 v6 ESMTP\r\n', rules: [[/^EHLO lvs-test\.invalid$/, '250-v6\r\n250 OK\r\n'], [/^QUIT/, '221 bye\r\n']] },
  { svc: 'pop', greeting: '+OK v6 ready\r\n', rules: [[/^USER u$/, '+OK\r\n'], [/^PASS p$/, '+OK\r\n'], [/^QUIT/, '+OK\r\n']], login: 'u' },
  { svc: 'imap', greeting: '* OK v6 ready\r\n', rules: [[/^a1 LOGIN "u" "p"$/, '* CAPABILITY IMAP4rev1\r\na1 OK done\r\n'], [/^a2 LOGOUT/, '* BYE\r\na2 OK\r\n']], login: 'u' },
  { svc: 'nntp', greeting: '200 v6 news\r\n', rules: [] },
];

describe('line-protocol checks over IPv6', () => {
  for (const c of cases) {
    it(`${c.svc} on [::1]`, async () => {
      const srv = await startTcpServer('::1', 0, scripted(c.greeting, c.rules));
      try {
        const spec = serviceSpec(c.svc, '::1', srv.port, { family: 6, login: c.login ?? '', passwd: c.login ? 'p' : '' });
        const r = await SERVICE_CHECKS[c.svc](spec, never(), CTX);
        assert.equal(r.up, true, r.message);
        assert.match(r.message, /v6/);
      } finally {
        await srv.close();
      }
    });
  }
});
