// Global directives and the effective-timeout fallback order (reference §2.5), plus global vs
// per-virtual fallback servers (including the fwmark fix).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { effectiveTimeouts } from '../../src/config/timeouts.js';
import { checkErrors, checkFields, ok, V, warnings, type ErrorCase, type FieldCase } from './helpers.js';

const g = 'global';
const v = 'virtuals.0';
const fields: FieldCase[] = [
  {
    desc: 'global defaults', cf: '', want: {
      [g]: { checkinterval: 10, autoreload: false, logfile: '/var/log/ldirectord.log', execute: [], fork: false, supervised: false,
        quiescent: false, readdquiescent: false, cleanstop: true, fallbackcommandonstop: false, maxchecks: 1000, maxresponsebytes: 1048576 },
      virtuals: [], name: 'test.cf', file: '/t/test.cf',
    },
  },
  { desc: 'checkinterval', cf: 'checkinterval=3\n', want: { [`${g}.checkinterval`]: 3 } },
  { desc: 'checkinterval flows into virtuals', cf: 'checkinterval=3\n' + V(), want: { [`${v}.checkinterval`]: 3 } },
  { desc: 'per-virtual checkinterval with fork=yes', cf: 'fork=yes\ncheckinterval=3\n' + V('checkinterval=7'), want: { [`${v}.checkinterval`]: 7, [`${g}.fork`]: true } },
  { desc: 'per-virtual checkinterval honoured with fork=no (original: ignored)', cf: 'checkinterval=3\n' + V('checkinterval=7'), want: { [`${v}.checkinterval`]: 7 } },
  { desc: 'checkcount/failurecount inherited', cf: 'checkcount=2\nfailurecount=4\n' + V(), want: { [`${v}.checkcount`]: 2, [`${v}.failurecount`]: 4 } },
  { desc: 'failurecount overridden', cf: 'failurecount=4\n' + V('failurecount=2'), want: { [`${v}.failurecount`]: 2 } },
  { desc: 'autoreload', cf: 'autoreload=yes\n', want: { [`${g}.autoreload`]: true } },
  { desc: 'callback', cf: 'callback="/usr/local/bin/cb"\n', want: { [`${g}.callback`]: '/usr/local/bin/cb' } },
  { desc: 'logfile path', cf: 'logfile="/var/log/ld.log"\n', want: { [`${g}.logfile`]: '/var/log/ld.log' } },
  { desc: 'logfile syslog facility', cf: 'logfile="local0"\n', want: { [`${g}.logfile`]: 'local0' } },
  { desc: 'logfile not opened at load time', cf: 'logfile="/nonexistent/dir/x.log"\n', want: { [`${g}.logfile`]: '/nonexistent/dir/x.log' } },
  { desc: 'execute repeated, deduplicated', cf: 'execute=www.cf\nexecute=mail.cf\nexecute=www.cf\n', want: { [`${g}.execute`]: ['www.cf', 'mail.cf'] } },
  { desc: 'fork', cf: 'fork=yes\n', want: { [`${g}.fork`]: true } },
  { desc: 'supervised=yes', cf: 'supervised=yes\n', want: { [`${g}.supervised`]: true } },
  { desc: 'bare supervised', cf: 'supervised\n', want: { [`${g}.supervised`]: true } },
  { desc: 'quiescent/readdquiescent/cleanstop', cf: 'quiescent=yes\nreaddquiescent=yes\ncleanstop=no\n', want: { [`${g}.quiescent`]: true, [`${g}.readdquiescent`]: true, [`${g}.cleanstop`]: false } },
  { desc: 'global quiescent/cleanstop inherited, overridable', cf: 'quiescent=yes\ncleanstop=no\n' + V('cleanstop=yes'), want: { [`${v}.quiescent`]: true, [`${v}.cleanstop`]: true } },
  { desc: 'emailalert global inherited', cf: 'emailalert=ops@example.test\n' + V(), want: { [`${v}.emailalert`]: ['ops@example.test'] } },
  { desc: 'emailalert per-virtual wins', cf: 'emailalert=ops@example.test\n' + V('emailalert="web@example.test"'), want: { [`${v}.emailalert`]: ['web@example.test'] } },
  { desc: 'emailalertfreq/status inherited', cf: 'emailalertfreq=300\nemailalertstatus=running\n' + V(), want: { [`${v}.emailalertfreq`]: 300, [`${v}.emailalertstatus`]: 2 } },
  { desc: 'emailalertfrom raw', cf: 'emailalertfrom=LVS <lvs@example.test>\n', want: { [`${g}.emailalertfrom`]: 'LVS <lvs@example.test>' } },
  { desc: 'smtp inherited', cf: 'smtp=mail.example.test\n' + V(), want: { [`${v}.smtp`]: 'mail.example.test' } },
  { desc: 'maintenancedir', cf: 'maintenancedir=/etc/ha.d/maint\n', want: { [`${g}.maintenancedir`]: '/etc/ha.d/maint' } },
  { desc: 'fallbackcommand inherited', cf: 'fallbackcommand=/usr/local/bin/fb\n' + V(), want: { [`${v}.fallbackcommand`]: '/usr/local/bin/fb' } },
  { desc: 'extension fallbackcommandonstop', cf: 'fallbackcommandonstop=yes\n', want: { [`${g}.fallbackcommandonstop`]: true } },
  { desc: 'extension maxchecks/maxresponsebytes', cf: 'maxchecks=50\nmaxresponsebytes=4096\n', want: { [`${g}.maxchecks`]: 50, [`${g}.maxresponsebytes`]: 4096 } },
  // Fallback servers.
  { desc: 'per-virtual fallback, port from the virtual, gate default', cf: V('fallback=127.0.0.1'), want: { [`${v}.fallback`]: { family: 4, address: '127.0.0.1', port: 80, forward: 'gate', pos: { file: '/t/test.cf', line: 3 } } } },
  { desc: 'per-virtual fallback with port and masq', cf: V('fallback=fb.example.test:8080 masq'), want: { [`${v}.fallback.address`]: '192.0.2.99', [`${v}.fallback.port`]: 8080, [`${v}.fallback.forward`]: 'masq' } },
  { desc: 'global fallback, port filled from each virtual', cf: 'fallback=127.0.0.1\n' + V() + '\nvirtual=192.0.2.1:443\n\treal=192.0.2.2 gate\n', want: { [`${v}.fallback.port`]: 80, 'virtuals.1.fallback.port': 443, 'virtuals.1.fallback.pos.line': 1 } },
  { desc: 'global fallback service name resolved per protocol', cf: 'fallback=127.0.0.1:domain\nvirtual=192.0.2.1:53\n\treal=192.0.2.2 gate\n', want: { [`${v}.fallback.port`]: 53 } },
  { desc: 'per-virtual fallback wins over global', cf: 'fallback=127.0.0.1\n' + V('fallback=127.0.0.2:81 ipip'), want: { [`${v}.fallback.address`]: '127.0.0.2', [`${v}.fallback.forward`]: 'ipip' } },
  { desc: 'global fallback6 only for virtual6', cf: 'fallback6=[2001:db8::99]:80\n' + V() + '\nvirtual6=[2001:db8::1]:80\n\treal6=[2001:db8::2] gate\n', want: { [`${v}.fallback`]: undefined, 'virtuals.1.fallback.address': '2001:db8::99', 'virtuals.1.fallback.family': 6 } },
  { desc: 'global fallback with a fwmark virtual: port 0 (original: `-r :0`)', cf: 'fallback=127.0.0.1\nvirtual=7\n\treal=192.0.2.2 gate\n', want: { [`${v}.fallback`]: { family: 4, address: '127.0.0.1', port: 0, forward: 'gate', pos: { file: '/t/test.cf', line: 1 } } } },
  { desc: 'fallback6 in a virtual6 block', cf: 'virtual6=[2001:db8::1]:80\n\treal6=[2001:db8::2] gate\n\tfallback6=[::1]\n', want: { [`${v}.fallback.address`]: '::1', [`${v}.fallback.port`]: 80 } },
];

const errs: ErrorCase[] = [
  { desc: 'checktimeout 0', cf: 'checktimeout=0\n', want: [[1, 'checktimeout', 'checktimeout must be an integer >= 1, got 0']] },
  { desc: 'negotiatetimeout junk', cf: 'negotiatetimeout=30s\n', want: [[1, 'negotiatetimeout', 'got "30s"']] },
  { desc: 'timeout deprecated', cf: 'timeout=5\n', want: [[1, 'timeout', 'use checktimeout and negotiatetimeout instead']] },
  { desc: 'connecttimeout deprecated', cf: 'connecttimeout=5\n', want: [[1, 'connecttimeout', 'use negotiatetimeout instead']] },
  { desc: 'checkinterval 0', cf: 'checkinterval=0\n', want: [[1, 'checkinterval', 'checkinterval must be an integer >= 1, got 0']] },
  // Seconds become timer delays in ms; Node turns a delay above 2^31-1 ms into 1 ms (checks would
  // time out at once, a check loop would spin), so the longest timer is also the upper bound.
  { desc: 'checktimeout beyond a timer', cf: 'checktimeout=2147484\n', want: [[1, 'checktimeout', 'checktimeout must be at most 2147483 seconds']] },
  { desc: 'negotiatetimeout beyond a timer', cf: 'negotiatetimeout=99999999999999999999\n', want: [[1, 'negotiatetimeout', 'negotiatetimeout must be at most 2147483 seconds']] },
  { desc: 'checkinterval beyond a timer', cf: 'checkinterval=3000000\n', want: [[1, 'checkinterval', 'checkinterval must be at most 2147483 seconds, got 3000000']] },
  { desc: 'autoreload not yes/no', cf: 'autoreload=1\n', want: [[1, 'autoreload', "autoreload must be 'yes' or 'no', got \"1\""]] },
  { desc: 'callback unquoted', cf: 'callback=/bin/cb\n', want: [[1, 'callback', 'callback must be a double-quoted string']] },
  { desc: 'logfile unquoted', cf: 'logfile=/var/log/x\n', want: [[1, 'logfile', 'logfile must be a double-quoted string']] },
  { desc: 'execute empty (original accepted it)', cf: 'execute=\n', want: [[1, 'execute', 'execute needs a configuration name']] },
  { desc: 'fork not yes/no', cf: 'fork=true\n', want: [[1, 'fork', "fork must be 'yes' or 'no'"]] },
  { desc: 'supervised bad', cf: 'supervised=1\n', want: [[1, 'supervised', "supervised must be 'yes' or 'no'"]] },
  { desc: 'readdquiescent bad', cf: 'readdquiescent=y\n', want: [[1, 'readdquiescent', "'yes' or 'no'"]] },
  { desc: 'emailalertstatus bad', cf: 'emailalertstatus=sometimes\n', want: [[1, 'emailalertstatus', 'invalid email alert status "sometimes"']] },
  { desc: 'emailalertfrom empty', cf: 'emailalertfrom=\n', want: [[1, 'emailalertfrom', 'must not be empty']] },
  { desc: 'maintenancedir empty', cf: 'maintenancedir=\n', want: [[1, 'maintenancedir', 'must not be empty']] },
  { desc: 'maxchecks 0', cf: 'maxchecks=0\n', want: [[1, 'maxchecks', 'maxchecks must be an integer >= 1']] },
  { desc: 'fallbackcommandonstop junk', cf: 'fallbackcommandonstop=1\n', want: [[1, 'fallbackcommandonstop', "'yes' or 'no'"]] },
  { desc: 'maxresponsebytes junk', cf: 'maxresponsebytes=1M\n', want: [[1, 'maxresponsebytes', 'got "1M"']] },
  { desc: 'fallback bad forward', cf: 'fallback=127.0.0.1:80 direct\n', want: [[1, 'fallback', 'forward method must be gate, masq or ipip, got "direct"']] },
  { desc: 'fallback junk', cf: 'fallback=127.0.0.1:80 gate extra\n', want: [[1, 'fallback', 'invalid fallback server']] },
  { desc: 'fallback IPv6 in fallback=', cf: 'fallback=[::1]:80\n', want: [[1, 'fallback', 'use fallback6']] },
  { desc: 'global fallback unresolvable, reported once at its line', cf: 'fallback=nowhere.example.test\n' + V() + '\nvirtual=192.0.2.1:443\n\treal=192.0.2.2 gate\n', want: [[1, 'fallback', 'could not resolve for fallback server: nowhere.example.test']] },
  { desc: 'global fallback port name not valid for udp', cf: 'fallback=127.0.0.1:http\nvirtual=192.0.2.1:53\n\treal=192.0.2.2 gate\n', want: [[1, 'fallback', 'unknown service name "http" for udp']] },
  { desc: 'fallback6 in a virtual= block', cf: V('fallback6=[::1]'), want: [[3, 'fallback6', 'use "fallback"']] },
  { desc: 'fallback in a virtual6 block', cf: 'virtual6=[2001:db8::1]:80\n\treal6=[2001:db8::2] gate\n\tfallback=127.0.0.1\n', want: [[3, 'fallback', 'use "fallback6"']] },
];

for (const c of fields) test(`global ok: ${c.desc}`, () => checkFields(c));
for (const c of errs) test(`global error: ${c.desc}`, () => checkErrors(c));

test('bare supervised warns', async () => {
  const w = await warnings('supervised\n');
  assert.deepEqual(w.map((d) => [d.line, d.directive, d.severity]), [[1, 'supervised', 'warning']]);
});

test('global checkcount warns as deprecated', async () => {
  const w = await warnings('checkcount=2\n');
  assert.match(w[0]!.message, /deprecated.*failurecount/);
});

// Reference §2.5 examples and the full order, through the loader and the pure function.
const TIMEOUTS: { desc: string; globals: string; body: string[]; check: number; negotiate: number }[] = [
  { desc: 'nothing set', globals: '', body: [], check: 5, negotiate: 30 },
  { desc: 'global checktimeout=4 only', globals: 'checktimeout=4\n', body: [], check: 4, negotiate: 4 },
  { desc: 'global checktimeout=4 + virtual negotiatetimeout=12', globals: 'checktimeout=4\n', body: ['negotiatetimeout=12'], check: 12, negotiate: 12 },
  { desc: 'global negotiatetimeout only', globals: 'negotiatetimeout=20\n', body: [], check: 20, negotiate: 20 },
  { desc: 'both global', globals: 'checktimeout=3\nnegotiatetimeout=20\n', body: [], check: 3, negotiate: 20 },
  { desc: 'virtual checktimeout only', globals: '', body: ['checktimeout=7'], check: 7, negotiate: 7 },
  { desc: 'virtual checktimeout beats global negotiatetimeout', globals: 'negotiatetimeout=20\n', body: ['checktimeout=7'], check: 7, negotiate: 7 },
  { desc: 'both virtual', globals: 'checktimeout=1\nnegotiatetimeout=2\n', body: ['checktimeout=7', 'negotiatetimeout=9'], check: 7, negotiate: 9 },
];
for (const t of TIMEOUTS) {
  test(`timeouts: ${t.desc}`, async () => {
    const cfg = await ok(t.globals + V(...t.body));
    assert.deepEqual([cfg.virtuals[0]!.checktimeout, cfg.virtuals[0]!.negotiatetimeout], [t.check, t.negotiate]);
  });
}

test('effectiveTimeouts order', () => {
  assert.deepEqual(effectiveTimeouts({}), { checktimeout: 5, negotiatetimeout: 30 });
  assert.deepEqual(effectiveTimeouts({ gCheck: 4, gNegotiate: 8, vNegotiate: 12 }), { checktimeout: 12, negotiatetimeout: 12 });
  assert.deepEqual(effectiveTimeouts({ gNegotiate: 8 }), { checktimeout: 8, negotiatetimeout: 8 });
});

test('an unused global fallback is still resolved and checked', async () => {
  await checkErrors({ desc: 'unused fallback6', cf: 'fallback6=[2001:db8::1]\nfallback=nowhere.example.test\n', want: [[2, 'fallback', 'could not resolve for fallback server']] });
});
