/**
 * Host tests for the pure parts of the end-to-end helpers and the engine benchmark's configs:
 * the ipvsadm parser the e2e tests judge by, the mail responders' dialogue, the nginx config,
 * and the generated configs, checked by the real keepalived and the real Perl ldirectord.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { destCount, parseIpvsadmList } from './ipvs-table.js';
import { answer, type ResponderSpec } from './mail-responder.js';
import { renderNginxConf } from './nginx.js';
import { renderKeepalivedConf, renderLdirectordCf, virtualsOf } from '../../bench/engine-lab-configs.js';
import { OP_LINE, writeLines } from './daemon-log.js';

const LIST = `IP Virtual Server version 1.2.1 (size=4096)
Prot LocalAddress:Port Scheduler Flags
  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn
TCP  192.0.2.80:80 wrr
  -> 127.0.0.2:80                 Route   3      0          0
  -> 127.0.0.3:80                 Route   0      1          2
UDP  [2001:db8::1]:53 rr persistent 300
  -> [2001:db8::2]:53             Masq    1      0          0
FWM  7 wlc
`;

test('parseIpvsadmList reads services, dests, forwarding and weights', () => {
  const t = parseIpvsadmList(LIST);
  const table = [
    { desc: 'v4 dest weight', svc: 'TCP 192.0.2.80:80', dest: '127.0.0.2:80', want: { forward: 'Route', weight: 3 } },
    { desc: 'quiesced dest', svc: 'TCP 192.0.2.80:80', dest: '127.0.0.3:80', want: { forward: 'Route', weight: 0 } },
    { desc: 'v6 masq dest', svc: 'UDP [2001:db8::1]:53', dest: '[2001:db8::2]:53', want: { forward: 'Masq', weight: 1 } },
  ];
  for (const c of table) assert.deepEqual(t.get(c.svc)?.get(c.dest), c.want, c.desc);
  assert.equal(t.get('FWM 7')?.size, 0);
  assert.equal(destCount(t), 3);
  assert.equal(destCount(t, true), 2);
  assert.equal(parseIpvsadmList('IP Virtual Server version 1.2.1 (size=4096)\n').size, 0);
});

test('mail responders answer the dialogue of our checks, and refuse a wrong login', () => {
  const pop: ResponderSpec = { proto: 'pop', address: '127.0.0.1', port: 110, login: 'u', passwd: 'p w' };
  const imap: ResponderSpec = { ...pop, proto: 'imap' };
  const smtp: ResponderSpec = { proto: 'smtp', address: '127.0.0.1', port: 25 };
  const table = [
    { desc: 'smtp ehlo', spec: smtp, lines: ['EHLO me'], want: '250 demo.localdomain' },
    { desc: 'smtp quit', spec: smtp, lines: ['QUIT'], want: '221 bye' },
    { desc: 'pop good login', spec: pop, lines: ['USER u', 'PASS p w'], want: '+OK logged in' },
    { desc: 'pop bad login', spec: pop, lines: ['USER u', 'PASS nope'], want: '-ERR authentication failed' },
    { desc: 'imap good login', spec: imap, lines: ['a1 LOGIN "u" "p w"'], want: 'a1 OK LOGIN completed' },
    { desc: 'imap bad login', spec: imap, lines: ['a1 LOGIN "u" "x"'], want: 'a1 NO LOGIN failed' },
    { desc: 'imap logout', spec: imap, lines: ['a2 LOGOUT'], want: 'a2 OK LOGOUT completed' },
  ];
  for (const c of table) {
    const user = {};
    let last: string[] = [];
    for (const l of c.lines) last = answer(c.spec, l, user).lines;
    assert.equal(last.at(-1), c.want, c.desc);
  }
});

test('renderNginxConf: one server per site, IPv6 bracketed, access log only when asked', () => {
  const conf = renderNginxConf('/d', [{ address: '127.0.0.2', port: 80, root: '/r2' }, { address: '::1', port: 8080, root: '/r6' }]);
  assert.match(conf, /listen 127\.0\.0\.2:80;\n\s+root \/r2;/);
  assert.match(conf, /listen \[::1\]:8080;/);
  assert.match(conf, /access_log off;/);
  assert.match(renderNginxConf('/d', [], 1, true), /access_log \/d\/access\.log stamp/);
});

test('daemon-log: write lines are the applied and refused IPVS writes only', () => {
  const lines = [
    '[Wed Nov 25 04:39:53 2026|www|747] Added virtual server: 192.0.2.80:80',
    '[Wed Nov 25 04:39:53 2026|www|747] Added real server: 127.0.0.2:80 (192.0.2.80:80) (Weight set to 1)',
    '[Wed Nov 25 04:39:58 2026|www|747] Purged virtual server (stop): 192.0.2.80:80 (1 real server(s))',
    '[Wed Nov 25 04:39:58 2026|www|747] ipvs addDest tcp:192.0.2.80:80 failed: LD_ERR_X: no (will retry)',
    '[Wed Nov 25 04:39:49 2026|www|736] Starting Linux Director v1.186-ha as daemon',
    '[Wed Nov 25 04:39:49 2026|www|736] Reloading Linux Director Daemon config on signal',
  ];
  assert.equal(writeLines(lines).length, 4);
  assert.ok(!OP_LINE.test(lines[4]!));
});

test('bench configs: the layout, and both generated configs pass their own daemon\'s config test', () => {
  const vs = virtualsOf({ services: 2, realsPerService: 3 });
  assert.deepEqual(vs.map((v) => v.vip), ['10.10.0.1', '10.10.0.2']);
  assert.deepEqual(vs[1]!.reals, ['127.1.1.1', '127.1.1.2', '127.1.1.3']);
  const dir = mkdtempSync('/tmp/engine-lab-conf-');
  try {
    const ka = join(dir, 'keepalived.conf');
    writeFileSync(ka, renderKeepalivedConf(vs));
    // Both daemons are in .ci/apt-packages.d/e2e.txt: a missing one fails here, loudly.
    execFileSync('/usr/sbin/keepalived', ['-t', '-f', ka], { stdio: 'pipe' });
    const cf = join(dir, 'bench.cf');
    writeFileSync(cf, renderLdirectordCf(vs, join(dir, 'ld.log')));
    // The Perl original has no configtest, but parses the whole file before any action: `status`
    // of a valid config not running is 3; a config error is 2.
    const r = spawnSync('/usr/sbin/ldirectord', [cf, 'status'], { encoding: 'utf8' });
    assert.equal(r.status, 3, `${r.stdout}${r.stderr}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
