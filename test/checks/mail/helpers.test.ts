/** Pure helpers of the mail/LDAP/FTP checks, table-driven. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { quoted } from '../../../src/checks/mail/imap.js';
import { heloName } from '../../../src/checks/mail/smtp.js';
import { ldapUrl, reason as ldapReason, searchBase } from '../../../src/checks/ldap.js';
import { BoundedSink, credentials } from '../../../src/checks/ftp.js';
import { InvalidCredentialsError } from 'ldapts';
import { ByteBudget } from '../../../src/checks/lib/byte-budget.js';

describe('check helpers', () => {
  it('quoted escapes IMAP quoted strings', () => {
    for (const { desc, in: i, out } of [
      { desc: 'plain', in: 'alice', out: '"alice"' },
      { desc: 'quote', in: 'a"b', out: '"a\\"b"' },
      { desc: 'backslash', in: 'a\\b', out: '"a\\\\b"' },
      { desc: 'empty', in: '', out: '""' },
    ]) assert.equal(quoted(i), out, desc);
  });

  it('heloName prefers the context hostname', () => {
    assert.equal(heloName({ hostname: 'lvs1.example' }), 'lvs1.example');
    assert.notEqual(heloName({}), '');
  });

  it('searchBase drops one leading slash', () => {
    for (const [i, o] of [['/dc=a,dc=b', 'dc=a,dc=b'], ['/', ''], ['dc=x', 'dc=x']] as const) assert.equal(searchBase(i), o);
  });

  it('ldapUrl brackets IPv6 literals', () => {
    assert.equal(ldapUrl(false, '10.0.0.1', 389), 'ldap://10.0.0.1:389');
    assert.equal(ldapUrl(true, '2001:db8::1', 636), 'ldaps://[2001:db8::1]:636');
  });

  it('ldap reason names the LDAP result', () => {
    assert.equal(ldapReason(new InvalidCredentialsError('')), 'invalid credentials (49)');
    assert.equal(ldapReason(Object.assign(new Error('connect ECONNREFUSED 1.2.3.4:389'), { code: 'ECONNREFUSED' })), 'connect ECONNREFUSED 1.2.3.4:389');
  });

  it('ftp credentials default to anonymous / ldirectord@host (ldirectord L1580-1590)', () => {
    assert.deepEqual(credentials('', '', { hostname: 'lvs1' }), { user: 'anonymous', password: 'ldirectord@lvs1' });
    assert.deepEqual(credentials('bob', 'pw', { hostname: 'lvs1' }), { user: 'bob', password: 'pw' });
  });

  it('BoundedSink keeps what its budget allows (after the control bytes) and reports once', async () => {
    let full = 0;
    const budget = new ByteBudget(7);
    budget.take(2); // the control connection's replies came first
    const sink = new BoundedSink(budget, () => { full++; });
    sink.write(Buffer.from('abc'));
    sink.write(Buffer.from('defgh'));
    sink.write(Buffer.from('ij'));
    await new Promise<void>((r) => sink.end(r));
    assert.equal(sink.text(), 'abcde');
    assert.equal(sink.full, true);
    assert.equal(full, 1);
  });
});
