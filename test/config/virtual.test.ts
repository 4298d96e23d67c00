// virtual=/virtual6= forms, per-virtual defaults, service/protocol defaults, resolution and
// duplicate detection (reference §2.2, §2.1).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkErrors, checkFields, load, ok, type ErrorCase, type FieldCase } from './helpers.js';

const R = '\treal=192.0.2.2:80 gate\n';
const R6 = '\treal6=[2001:db8::2]:80 gate\n';

const fields: FieldCase[] = [
  { desc: 'ip:port', cf: `virtual=192.0.2.1:80\n${R}`, want: { 'virtuals.0.id': 'tcp:192.0.2.1:80', 'virtuals.0.family': 4, 'virtuals.0.protocol': 'tcp', 'virtuals.0.address': '192.0.2.1', 'virtuals.0.port': 80, 'virtuals.0.fwmark': undefined } },
  { desc: 'ip:service name', cf: `virtual=192.0.2.1:http\n${R}`, want: { 'virtuals.0.port': 80, 'virtuals.0.service': 'http' } },
  { desc: 'service alias', cf: `virtual=192.0.2.1:www\n${R}`, want: { 'virtuals.0.port': 80 } },
  { desc: 'hostname:port resolves IPv4', cf: `virtual=www.example.test:443\n${R}`, want: { 'virtuals.0.address': '192.0.2.10', 'virtuals.0.id': 'tcp:192.0.2.10:443', 'virtuals.0.service': 'https' } },
  { desc: 'virtual6 hostname resolves IPv6', cf: `virtual6=www.example.test:80\n${R6}`, want: { 'virtuals.0.address': '2001:db8::10', 'virtuals.0.family': 6, 'virtuals.0.id': 'tcp:[2001:db8::10]:80' } },
  { desc: 'virtual6 [v6]:port', cf: `virtual6=[2001:DB8:0::1]:80\n${R6}`, want: { 'virtuals.0.address': '2001:db8::1', 'virtuals.0.id': 'tcp:[2001:db8::1]:80' } },
  { desc: 'fwmark', cf: `virtual=7\n\treal=192.0.2.2 gate\n`, want: { 'virtuals.0.id': 'fwm:7', 'virtuals.0.protocol': 'fwm', 'virtuals.0.fwmark': 7, 'virtuals.0.port': 0, 'virtuals.0.address': undefined, 'virtuals.0.service': 'none' } },
  { desc: 'fwmark IPv6', cf: `virtual6=7\n\treal6=[2001:db8::2] gate\n`, want: { 'virtuals.0.id': 'fwm6:7', 'virtuals.0.family': 6 } },
  { desc: 'fwmark with protocol=fwm', cf: `virtual=7\n\treal=192.0.2.2 gate\n\tprotocol=fwm\n`, want: { 'virtuals.0.protocol': 'fwm' } },
  { desc: 'port 53 defaults to udp', cf: `virtual=192.0.2.1:53\n${R}`, want: { 'virtuals.0.protocol': 'udp', 'virtuals.0.id': 'udp:192.0.2.1:53', 'virtuals.0.service': 'dns' } },
  { desc: 'port text domain defaults to udp', cf: `virtual=192.0.2.1:domain\n${R}`, want: { 'virtuals.0.protocol': 'udp', 'virtuals.0.port': 53 } },
  { desc: 'protocol=tcp overrides the udp default', cf: `virtual=192.0.2.1:53\n${R}\tprotocol=tcp\n`, want: { 'virtuals.0.protocol': 'tcp', 'virtuals.0.id': 'tcp:192.0.2.1:53' } },
  { desc: 'protocol=udp', cf: `virtual=192.0.2.1:5060\n${R}\tprotocol=udp\n`, want: { 'virtuals.0.protocol': 'udp', 'virtuals.0.service': 'sip' } },
  { desc: 'service name resolved for the final protocol', cf: `virtual=192.0.2.1:sip\n${R}\tprotocol=udp\n`, want: { 'virtuals.0.port': 5060 } },
  { desc: 'unknown port -> service none', cf: `virtual=192.0.2.1:8443\n${R}`, want: { 'virtuals.0.service': 'none' } },
  { desc: 'port 0 is allowed', cf: `virtual=192.0.2.1:0\n${R}\tpersistent=60\n`, want: { 'virtuals.0.port': 0 } },
  {
    desc: 'per-virtual defaults', cf: `virtual=192.0.2.1:80\n${R}`, want: {
      'virtuals.0.checktype': { kind: 'negotiate' }, 'virtuals.0.scheduler': 'wrr', 'virtuals.0.checkcommand': '/bin/true',
      'virtuals.0.request': '/', 'virtuals.0.receive': '', 'virtuals.0.httpmethod': 'GET', 'virtuals.0.login': '',
      'virtuals.0.passwd': '', 'virtuals.0.database': '', 'virtuals.0.secret': '', 'virtuals.0.ops': false,
      'virtuals.0.checktimeout': 5, 'virtuals.0.negotiatetimeout': 30, 'virtuals.0.checkcount': 1, 'virtuals.0.failurecount': 1,
      'virtuals.0.checkinterval': 10, 'virtuals.0.checkport': undefined, 'virtuals.0.quiescent': false, 'virtuals.0.cleanstop': true,
      'virtuals.0.emailalert': [], 'virtuals.0.emailalertfreq': 0, 'virtuals.0.emailalertstatus': 15,
      'virtuals.0.risecount': 1, 'virtuals.0.quorum': undefined, 'virtuals.0.hysteresis': 0, 'virtuals.0.httpsverify': false,
      'virtuals.0.persistent': undefined, 'virtuals.0.netmask': undefined, 'virtuals.0.schedflags': undefined,
      'virtuals.0.fallback': undefined, 'virtuals.0.virtualhost': undefined, 'virtuals.0.pos': { file: '/t/test.cf', line: 1 },
    },
  },
];

// ld_port_to_service L1860-1890.
const PORTS: [number, string][] = [
  [21, 'ftp'], [25, 'smtp'], [53, 'dns'], [80, 'http'], [110, 'pop'], [119, 'nntp'], [143, 'imap'], [389, 'ldap'], [443, 'https'],
  [587, 'submission'], [636, 'ldaps'], [993, 'imaps'], [995, 'pops'], [1521, 'oracle'], [1812, 'radius'], [3128, 'http_proxy'],
  [3306, 'mysql'], [5060, 'sip'], [5432, 'pgsql'], [8080, 'none'],
];

const errs: ErrorCase[] = [
  { desc: 'IPv6 in virtual=', cf: `virtual=[2001:db8::1]:80\n${R}`, want: [[1, 'virtual', 'use "virtual6"']] },
  { desc: 'no port (original: fwmark 10!)', cf: `virtual=10.0.0.1\n${R}`, want: [[1, 'virtual', 'invalid address for virtual server']] },
  { desc: 'trailing junk (original: ignored)', cf: `virtual=192.0.2.1:80 junk\n${R}`, want: [[1, 'virtual', 'got "192.0.2.1:80 junk"']] },
  { desc: 'port above 65535', cf: `virtual=192.0.2.1:70000\n${R}`, want: [[1, 'virtual', 'port must be 0..65535, got 70000']] },
  { desc: 'unknown service name', cf: `virtual=192.0.2.1:nosuch\n${R}`, want: [[1, 'virtual', 'unknown service name "nosuch" for tcp']] },
  { desc: 'service name for the wrong protocol', cf: `virtual=192.0.2.1:http\n${R}\tprotocol=udp\n`, want: [[1, 'virtual', 'unknown service name "http" for udp']] },
  { desc: 'unresolvable host', cf: `virtual=nowhere.example.test:80\n${R}`, want: [[1, 'virtual', 'could not resolve as IPv4']] },
  { desc: 'IPv4 literal in virtual6', cf: `virtual6=192.0.2.1:80\n${R6}`, want: [[1, 'virtual6', 'could not resolve as IPv6']] },
  { desc: 'IPv6-only name in virtual=', cf: `virtual=v6only.example.test:80\n${R}`, want: [[1, 'virtual', 'could not resolve as IPv4']] },
  { desc: 'invalid IPv6 literal', cf: `virtual6=[2001:db8:::1:zz]:80\n${R6}`, want: [[1, 'virtual6', 'invalid address']] },
  { desc: 'fwmark 0', cf: `virtual=0\n${R}`, want: [[1, 'virtual', 'fwmark must be 1..4294967295, got 0']] },
  { desc: 'protocol other than fwm for a fwmark', cf: `virtual=7\n\treal=192.0.2.2 gate\n\tprotocol=tcp\n`, want: [[3, 'protocol', 'protocol must be fwm']] },
  { desc: 'protocol not tcp/udp', cf: `virtual=192.0.2.1:80\n${R}\tprotocol=sctp\n`, want: [[3, 'protocol', 'protocol must be tcp or udp']] },
  { desc: 'duplicate after resolution (53 vs domain), reported at the duplicate line', cf: `virtual=192.0.2.1:53\n${R}\nvirtual=192.0.2.1:domain\n${R}`, want: [[4, 'virtual', 'duplicate virtual server udp:192.0.2.1:53 (first defined at line 1)']] },
  { desc: 'duplicate hostname vs address', cf: `virtual=192.0.2.10:80\n${R}\nvirtual=www.example.test:http\n${R}`, want: [[4, 'virtual', 'duplicate virtual server tcp:192.0.2.10:80']] },
  { desc: 'duplicate fwmark', cf: `virtual=7\n\treal=192.0.2.2 gate\nvirtual=7\n\treal=192.0.2.3 gate\n`, want: [[3, 'virtual', 'duplicate virtual server fwm:7']] },
];

for (const c of fields) test(`virtual ok: ${c.desc}`, () => checkFields(c));
for (const c of errs) test(`virtual error: ${c.desc}`, () => checkErrors(c));

test('service defaults from the resolved port', async () => {
  for (const [port, service] of PORTS) {
    const cfg = await ok(`virtual=192.0.2.1:${port}\n${R}`);
    assert.equal(cfg.virtuals[0]!.service, service, `port ${port}`);
  }
});

test('tcp and udp on the same address:port are different virtuals', async () => {
  const cfg = await ok(`virtual=192.0.2.1:53\n${R}\nvirtual=192.0.2.1:53\n${R}\tprotocol=tcp\n`);
  assert.deepEqual(cfg.virtuals.map((v) => v.id), ['udp:192.0.2.1:53', 'tcp:192.0.2.1:53']);
});

test('the resolver is asked with the family of the directive, once per name', async () => {
  const calls: string[] = [];
  const r = await load(`virtual=www.example.test:80\n\treal=web1.example.test gate\n\treal=web1.example.test:8080 masq\n\nvirtual6=www.example.test:80\n\treal6=[2001:db8::5] gate\n`, calls);
  assert.ok(r.ok);
  assert.deepEqual(calls.sort(), ['web1.example.test/4', 'www.example.test/4', 'www.example.test/6']);
});

test('the loaded config is deeply frozen', async () => {
  const cfg = await ok(`virtual=192.0.2.1:80\n${R}`);
  assert.ok(Object.isFrozen(cfg) && Object.isFrozen(cfg.virtuals[0]) && Object.isFrozen(cfg.virtuals[0]!.reals[0]));
  assert.throws(() => { (cfg.virtuals[0] as { port: number }).port = 1; });
});
