// Per-virtual directives (reference §2.4): every directive, its default and its error message.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkErrors, checkFields, V, warnings, type ErrorCase, type FieldCase } from './helpers.js';

const v = 'virtuals.0';
const fields: FieldCase[] = [
  { desc: 'checktype connect', cf: V('checktype=connect'), want: { [`${v}.checktype`]: { kind: 'connect' } } },
  ...['negotiate', 'ping', 'off', 'on', 'external', 'external-perl'].map((k) => ({ desc: `checktype ${k}`, cf: V(`checktype=${k}`), want: { [`${v}.checktype`]: { kind: k } } })),
  { desc: 'checktype number -> combined', cf: V('checktype=3'), want: { [`${v}.checktype`]: { kind: 'combined', n: 3 } } },
  { desc: 'checktype 0 -> combined 0', cf: V('checktype=0'), want: { [`${v}.checktype`]: { kind: 'combined', n: 0 } } },
  { desc: 'checktype negotiate2 -> combined 2 (as the original)', cf: V('checktype=negotiate2'), want: { [`${v}.checktype`]: { kind: 'combined', n: 2 } } },
  { desc: 'service explicit', cf: V('service=simpletcp'), want: { [`${v}.service`]: 'simpletcp' } },
  { desc: 'service=ftp sets login/passwd defaults', cf: V('service=ftp'), want: { [`${v}.login`]: 'anonymous', [`${v}.passwd`]: 'ldirectord@lvs1' } },
  { desc: 'service=ftp keeps an explicit login', cf: V('login="bob"', 'service=ftp'), want: { [`${v}.login`]: 'bob', [`${v}.passwd`]: 'ldirectord@lvs1' } },
  { desc: 'service=ftp, passwd after', cf: V('service=ftp', 'passwd="pw"'), want: { [`${v}.login`]: 'anonymous', [`${v}.passwd`]: 'pw' } },
  { desc: 'ftp from port 21 keeps empty login', cf: 'virtual=192.0.2.1:21\n\treal=192.0.2.2 gate\n', want: { [`${v}.service`]: 'ftp', [`${v}.login`]: '', [`${v}.passwd`]: '' } },
  { desc: 'service=sip sets login', cf: V('service=sip'), want: { [`${v}.login`]: 'ldirectord@lvs1', [`${v}.passwd`]: '' } },
  { desc: 'sip from port 5060 keeps empty login', cf: 'virtual=192.0.2.1:5060\n\treal=192.0.2.2 gate\n', want: { [`${v}.service`]: 'sip', [`${v}.login`]: '' } },
  { desc: 'checkcommand quoted', cf: V('checkcommand="/usr/local/bin/check --x"'), want: { [`${v}.checkcommand`]: '/usr/local/bin/check --x' } },
  { desc: 'checkcommand bare', cf: V('checkcommand=/usr/local/bin/check'), want: { [`${v}.checkcommand`]: '/usr/local/bin/check' } },
  { desc: 'checkport', cf: V('checkport=8080'), want: { [`${v}.checkport`]: 8080 } },
  { desc: 'checkport 65535', cf: V('checkport=65535'), want: { [`${v}.checkport`]: 65535 } },
  { desc: 'timeouts at the longest timer', cf: V('checktimeout=2147483', 'negotiatetimeout=2147483'), want: { [`${v}.checktimeout`]: 2147483, [`${v}.negotiatetimeout`]: 2147483 } },
  { desc: 'request gets a leading slash', cf: V('request="index.html"'), want: { [`${v}.request`]: '/index.html' } },
  { desc: 'request with slash', cf: V('request="/a/b"'), want: { [`${v}.request`]: '/a/b' } },
  { desc: 'request absolute URL (http_proxy)', cf: V('service=http_proxy', 'request="http://www.example.test/"'), want: { [`${v}.request`]: 'http://www.example.test/' } },
  { desc: 'receive', cf: V('receive="Test Page"'), want: { [`${v}.receive`]: 'Test Page' } },
  { desc: 'receive with an escaped backslash before A is fine', cf: V('receive="x\\\\A"'), want: { [`${v}.receive`]: 'x\\\\A' } },
  { desc: 'receive regex', cf: V('receive="^OK\\s+\\d+$"'), want: { [`${v}.receive`]: '^OK\\s+\\d+$' } },
  { desc: 'receive with a repetition of 32', cf: V('receive="[0-9a-f]{32}"'), want: { [`${v}.receive`]: '[0-9a-f]{32}' } },
  { desc: 'receive with a brace that is not a repetition', cf: V('receive="{\\"ok\\":true}"'), want: { [`${v}.receive`]: '{\\"ok\\":true}' } },
  { desc: 'httpmethod HEAD', cf: V('httpmethod=HEAD'), want: { [`${v}.httpmethod`]: 'HEAD' } },
  { desc: 'httpmethod case-insensitive', cf: V('httpmethod=head'), want: { [`${v}.httpmethod`]: 'HEAD' } },
  { desc: 'virtualhost quoted', cf: V('virtualhost="www.example.test"'), want: { [`${v}.virtualhost`]: 'www.example.test' } },
  { desc: 'virtualhost bare', cf: V('virtualhost=www.example.test'), want: { [`${v}.virtualhost`]: 'www.example.test' } },
  { desc: 'login/passwd/database/secret', cf: V('login="u"', 'passwd="p w"', 'database="db"', 'secret="s3"'), want: { [`${v}.login`]: 'u', [`${v}.passwd`]: 'p w', [`${v}.database`]: 'db', [`${v}.secret`]: 's3' } },
  { desc: 'scheduler', cf: V('scheduler=sh'), want: { [`${v}.scheduler`]: 'sh' } },
  { desc: 'persistent + netmask', cf: V('persistent=300', 'netmask=255.255.255.0'), want: { [`${v}.persistent`]: 300, [`${v}.netmask`]: '255.255.255.0' } },
  { desc: 'IPv6 netmask is a prefix length', cf: 'virtual6=[2001:db8::1]:80\n\treal6=[2001:db8::2] gate\n\tpersistent=60\n\tnetmask=64\n', want: { [`${v}.netmask`]: '64' } },
  { desc: 'schedflags', cf: V('scheduler=sh', 'schedflags=sh-port,sh-fallback'), want: { [`${v}.schedflags`]: 'sh-port,sh-fallback' } },
  { desc: 'ops=yes on udp', cf: 'virtual=192.0.2.1:53\n\treal=192.0.2.2 gate\n\tops=yes\n', want: { [`${v}.ops`]: true } },
  { desc: 'ops=no', cf: 'virtual=192.0.2.1:53\n\treal=192.0.2.2 gate\n\tops=no\n', want: { [`${v}.ops`]: false } },
  { desc: 'fallbackcommand', cf: V('fallbackcommand="/usr/bin/logger down"'), want: { [`${v}.fallbackcommand`]: '/usr/bin/logger down' } },
  { desc: 'quiescent/cleanstop per virtual', cf: V('quiescent=yes', 'cleanstop=no'), want: { [`${v}.quiescent`]: true, [`${v}.cleanstop`]: false } },
  { desc: 'emailalert list with quotes', cf: V('emailalert="a@example.test, b@example.test"'), want: { [`${v}.emailalert`]: ['a@example.test', 'b@example.test'] } },
  { desc: 'emailalertfreq', cf: V('emailalertfreq=600'), want: { [`${v}.emailalertfreq`]: 600 } },
  { desc: 'emailalertstatus list', cf: V('emailalertstatus=starting, stopping'), want: { [`${v}.emailalertstatus`]: 5 } },
  { desc: 'emailalertstatus none', cf: V('emailalertstatus=none'), want: { [`${v}.emailalertstatus`]: 0 } },
  { desc: 'emailalertstatus all', cf: V('emailalertstatus=all'), want: { [`${v}.emailalertstatus`]: 15 } },
  { desc: 'emailalertstatus running,reloading', cf: V('emailalertstatus=running,reloading'), want: { [`${v}.emailalertstatus`]: 10 } },
  { desc: 'monitorfile (no I/O at load time)', cf: V('monitorfile="/nonexistent/dir/mon.log"'), want: { [`${v}.monitorfile`]: '/nonexistent/dir/mon.log' } },
  { desc: 'smtp', cf: V('smtp=mail.example.test'), want: { [`${v}.smtp`]: 'mail.example.test' } },
  { desc: 'servicename/comment keep the rest of the line', cf: V('servicename=Web cluster A', 'comment=front end, rack 3'), want: { [`${v}.servicename`]: 'Web cluster A', [`${v}.comment`]: 'front end, rack 3' } },
  { desc: 'extension risecount', cf: V('risecount=3'), want: { [`${v}.risecount`]: 3 } },
  { desc: 'extension quorum/hysteresis', cf: V('quorum=4', 'hysteresis=1'), want: { [`${v}.quorum`]: 4, [`${v}.hysteresis`]: 1 } },
  { desc: 'extension httpsverify', cf: V('httpsverify=yes'), want: { [`${v}.httpsverify`]: true } },
  { desc: 'a later value wins', cf: V('scheduler=rr', 'scheduler=lc'), want: { [`${v}.scheduler`]: 'lc' } },
];

const errs: ErrorCase[] = [
  { desc: 'checktype unknown', cf: V('checktype=bogus'), want: [[3, 'checktype', 'checktype must be connect, negotiate, on, off, ping, external, external-perl or a number, got "bogus"']] },
  { desc: 'service unknown', cf: V('service=gopher'), want: [[3, 'service', 'service must be one of dns, ftp,']] },
  { desc: 'service upper case', cf: V('service=HTTP'), want: [[3, 'service', 'got "HTTP"']] },
  { desc: 'checkport 70000', cf: V('checkport=70000'), want: [[3, 'checkport', 'checkport must be 1..65535, got 70000']] },
  { desc: 'checkport 0', cf: V('checkport=0'), want: [[3, 'checkport', 'checkport must be 1..65535, got 0']] },
  { desc: 'checkport junk', cf: V('checkport=80x'), want: [[3, 'checkport', 'checkport must be 1..65535, got "80x"']] },
  { desc: 'checktimeout 0', cf: V('checktimeout=0'), want: [[3, 'checktimeout', 'checktimeout must be an integer >= 1, got 0']] },
  { desc: 'negotiatetimeout junk', cf: V('negotiatetimeout=ten'), want: [[3, 'negotiatetimeout', 'got "ten"']] },
  { desc: 'connecttimeout deprecated', cf: V('connecttimeout=5'), want: [[3, 'connecttimeout', 'use negotiatetimeout instead']] },
  { desc: 'failurecount 0', cf: V('failurecount=0'), want: [[3, 'failurecount', 'failurecount must be an integer >= 1']] },
  { desc: 'checkinterval 0', cf: V('checkinterval=0'), want: [[3, 'checkinterval', 'must be an integer >= 1']] },
  { desc: 'checktimeout beyond a timer', cf: V('checktimeout=2147484'), want: [[3, 'checktimeout', 'checktimeout must be at most 2147483 seconds, got 2147484']] },
  { desc: 'negotiatetimeout beyond a timer', cf: V('negotiatetimeout=2147484'), want: [[3, 'negotiatetimeout', 'at most 2147483 seconds']] },
  { desc: 'checkinterval beyond a timer', cf: 'fork=yes\n' + V('checkinterval=2147484'), want: [[4, 'checkinterval', 'at most 2147483 seconds']] },
  { desc: 'request unquoted', cf: V('request=/index.html'), want: [[3, 'request', 'request must be a double-quoted string']] },
  { desc: 'request empty', cf: V('request=""'), want: [[3, 'request', 'request must not be empty']] },
  { desc: 'receive empty', cf: V('receive=""'), want: [[3, 'receive', 'receive must not be empty']] },
  { desc: 'receive bad regex', cf: V('receive="(unbalanced"'), want: [[3, 'receive', 'receive is not a valid regular expression']] },
  { desc: 'receive Perl-only syntax', cf: V('receive="a++b(?<=x"'), want: [[3, 'receive', 'not a valid regular expression']] },
  { desc: 'receive Perl \\A anchor', cf: V('receive="\\AOK"'), want: [[3, 'receive', 'Perl-only regex syntax \\A']] },
  { desc: 'receive POSIX class', cf: V('receive="[[:digit:]]+"'), want: [[3, 'receive', 'Perl-only regex syntax [[:class:]]']] },
  // Issue 16: receive runs on RE2 (linear time); what RE2 cannot run is refused at load time.
  { desc: 'receive backreference (RE2 has none)', cf: V('receive="(a)\\1"'), want: [[3, 'receive', 'receive is not a valid regular expression: invalid escape sequence']] },
  { desc: 'receive lookahead (RE2 has none)', cf: V('receive="OK(?=\\n)"'), want: [[3, 'receive', 'receive is not a valid regular expression: invalid perl operator: (?=']] },
  { desc: 'receive counted repetition above 32', cf: V('receive="a[ab]{50}c"'), want: [[3, 'receive', 'receive is too costly to match: a counted repetition of 50 exceeds 32']] },
  { desc: 'receive nested repetitions multiply', cf: V('receive="(x{6}){6}"'), want: [[3, 'receive', 'a counted repetition of 36 exceeds 32']] },
  { desc: 'login unquoted', cf: V('login=bob'), want: [[3, 'login', 'double-quoted']] },
  { desc: 'passwd empty', cf: V('passwd=""'), want: [[3, 'passwd', 'must not be empty']] },
  { desc: 'database unquoted', cf: V('database=db'), want: [[3, 'database', 'double-quoted']] },
  { desc: 'secret unquoted', cf: V('secret=s'), want: [[3, 'secret', 'double-quoted']] },
  { desc: 'httpmethod POST', cf: V('httpmethod=POST'), want: [[3, 'httpmethod', 'httpmethod must be GET or HEAD, got "POST"']] },
  { desc: 'scheduler with digits', cf: V('scheduler=wrr2'), want: [[3, 'scheduler', 'lowercase letters']] },
  { desc: 'persistent junk', cf: V('persistent=long'), want: [[3, 'persistent', 'persistent must be 1..4294967295']] },
  { desc: 'netmask not dotted', cf: V('netmask=24'), want: [[3, 'netmask', 'dotted quad notation is required, got "24"']] },
  { desc: 'netmask octet > 255', cf: V('netmask=255.255.256.0'), want: [[3, 'netmask', 'dotted quad']] },
  { desc: 'IPv6 netmask out of range', cf: 'virtual6=[2001:db8::1]:80\n\treal6=[2001:db8::2] gate\n\tnetmask=129\n', want: [[3, 'netmask', 'prefix length 1..128']] },
  { desc: 'schedflags with space', cf: V('schedflags=sh-port sh-fallback'), want: [[3, 'schedflags', 'without spaces']] },
  { desc: 'ops not yes/no', cf: V('ops=true'), want: [[3, 'ops', "ops must be 'yes' or 'no', got \"true\""]] },
  { desc: 'quiescent not yes/no', cf: V('quiescent=1'), want: [[3, 'quiescent', "quiescent must be 'yes' or 'no'"]] },
  { desc: 'cleanstop not yes/no', cf: V('cleanstop=maybe'), want: [[3, 'cleanstop', "cleanstop must be 'yes' or 'no'"]] },
  { desc: 'emailalert empty', cf: V('emailalert=""'), want: [[3, 'emailalert', 'no email address specified']] },
  { desc: 'emailalertfreq junk', cf: V('emailalertfreq=often'), want: [[3, 'emailalertfreq', 'emailalertfreq must be an integer >= 0']] },
  { desc: 'emailalertstatus unknown word', cf: V('emailalertstatus=starting,exploding'), want: [[3, 'emailalertstatus', 'invalid email alert status "exploding"']] },
  { desc: 'emailalertstatus none with others', cf: V('emailalertstatus=none,running'), want: [[3, 'emailalertstatus', '"running" specified with "none"']] },
  { desc: 'emailalertstatus empty', cf: V('emailalertstatus='), want: [[3, 'emailalertstatus', 'must be a comma list of all, none,']] },
  { desc: 'smtp with junk', cf: V('smtp=mail server'), want: [[3, 'smtp', 'invalid SMTP server address']] },
  { desc: 'checkcommand empty', cf: V('checkcommand=""'), want: [[3, 'checkcommand', 'must not be empty']] },
  { desc: 'virtualhost empty', cf: V('virtualhost='), want: [[3, 'virtualhost', 'must not be empty']] },
  { desc: 'risecount 0', cf: V('risecount=0'), want: [[3, 'risecount', 'risecount must be an integer >= 1']] },
  { desc: 'httpsverify not yes/no', cf: V('httpsverify=on'), want: [[3, 'httpsverify', "'yes' or 'no'"]] },
  { desc: 'quorum negative', cf: V('quorum=-1'), want: [[3, 'quorum', 'quorum must be an integer >= 0']] },
];

for (const c of fields) test(`directive ok: ${c.desc}`, () => checkFields(c));
for (const c of errs) test(`directive error: ${c.desc}`, () => checkErrors(c));

const warns: { desc: string; cf: string; want: [number, string, string][] }[] = [
  { desc: 'checkcount is deprecated', cf: V('checkcount=3'), want: [[3, 'checkcount', 'deprecated']] },
  { desc: 'checkinterval with fork=no', cf: V('checkinterval=3'), want: [[3, 'checkinterval', 'honoured also with fork=no (the original ignored it']] },
  { desc: 'ops on tcp', cf: V('ops=yes'), want: [[3, 'ops', 'only meaningful for udp']] },
  { desc: 'netmask without persistent', cf: V('netmask=255.255.255.0'), want: [[3, 'netmask', 'only used together with persistent']] },
  { desc: 'hysteresis without quorum', cf: V('hysteresis=2'), want: [[3, 'hysteresis', 'no effect without quorum']] },
  { desc: 'load is ignored', cf: V('load="x"'), want: [[3, 'load', 'never used']] },
  { desc: 'directive given twice', cf: V('scheduler=rr', 'scheduler=lc'), want: [[4, 'scheduler', 'already set at line 3']] },
];
for (const c of warns) {
  test(`directive warning: ${c.desc}`, async () => {
    const w = await warnings(c.cf);
    assert.deepEqual(w.map((d) => [d.line, d.directive, d.severity]), c.want.map(([l, d]) => [l, d, 'warning']));
    c.want.forEach(([, , msg], i) => assert.ok(w[i]!.message.includes(msg), w[i]!.message));
  });
}

test('checkcount/ops values still apply with their warnings', async () => {
  const { ok } = await import('./helpers.js');
  const cfg = await ok(V('checkcount=3', 'ops=yes'));
  assert.equal(cfg.virtuals[0]!.checkcount, 3);
  assert.equal(cfg.virtuals[0]!.ops, false);
});
