import { test } from 'node:test';
import assert from 'node:assert/strict';
import { escapeMsg, monitorLine, monitorLogs } from '../../src/director/monitor.js';
import { ctime as perlCtime } from '../../src/util/ctime.js';
import { maintenanceCandidates, Maintenance } from '../../src/director/maintenance.js';
import { realIdStr } from '../../src/director/spec.js';
import { FakeClock, real, virtual } from './helpers.js';

test('monitorfile line: the original format, id squeezed, backslashes gone, message escaped', () => {
  process.env.TZ = 'UTC';
  const v = virtual('127.0.0.1', 80, [], { protocol: 'tcp' });
  const r = real('127.0.0.6', { port: 8081, request: '/500', receive: 'Test Page' });
  const id = realIdStr(v, r);
  assert.equal(id, 'negotiate:http:tcp:127.0.0.6:8081:::1:masq:\\/500:Test\\ Page');
  const ms = Date.UTC(2026, 10, 25, 2, 3, 13);
  assert.equal(monitorLine(ms, 2112, id, false, '500 Internal Server Error'),
    '[Wed Nov 25 02:03:13 2026] [2112] negotiate http tcp 127.0.0.6 8081 1 masq /500 Test Page [down] 500 Internal Server Error\n');
  assert.equal(perlCtime(Date.UTC(2026, 0, 5, 7, 8, 9)), 'Mon Jan  5 07:08:09 2026');
  assert.equal(escapeMsg('a|b%c\r\nd'), 'a%7cb%25c%0d%0ad');
  assert.match(monitorLine(ms, 1, id, true, undefined), / \[up\] -\n$/);
});

test('monitorLogs: which results are written', () => {
  const cases = [
    { kind: 'negotiate' as const, up: false, want: true }, { kind: 'connect' as const, up: true, want: true },
    { kind: 'ping' as const, up: true, want: true }, { kind: 'ping' as const, up: false, want: false },
    { kind: 'on' as const, up: true, want: false }, { kind: 'external-perl' as const, up: true, want: false },
    { kind: 'maintenance' as const, up: false, want: true },
  ];
  for (const c of cases) assert.equal(monitorLogs(c.kind, c.up), c.want, `${c.kind} ${c.up}`);
});

test('maintenance candidates in the original order; IPv6 bracketed; short name only for host.domain', () => {
  assert.deepEqual(maintenanceCandidates(4, '10.0.0.5', 80, 'web5.example.com'),
    ['10.0.0.5:80', '10.0.0.5', 'web5.example.com:80', 'web5.example.com', 'web5:80', 'web5']);
  assert.deepEqual(maintenanceCandidates(6, '2001:db8::5', 0), ['[2001:db8::5]:0', '[2001:db8::5]']);
  assert.deepEqual(maintenanceCandidates(4, '10.0.0.5', 80, 'localhost'), ['10.0.0.5:80', '10.0.0.5', 'localhost:80', 'localhost']);
});

test('maintenance: reverse lookups cached for the TTL, failures cached too, listing refreshed', async () => {
  const clock = new FakeClock();
  const calls: string[] = [];
  let names = ['web5'];
  const m = new Maintenance('/m', {
    clock, rdnsTtlMs: 600_000, listTtlMs: 1000,
    readdir: async () => names,
    reverse: async (ip) => { calls.push(ip); if (ip === '10.0.0.6') throw new Error('ENOTFOUND'); return ['web5.example.com']; },
  });
  assert.equal(await m.check(4, '10.0.0.5', 80), 'web5');
  assert.equal(await m.check(4, '10.0.0.5', 80), 'web5');
  assert.equal(await m.check(4, '10.0.0.6', 80), undefined);
  assert.equal(await m.check(4, '10.0.0.6', 80), undefined);
  assert.deepEqual(calls, ['10.0.0.5', '10.0.0.6']);
  names = [];
  assert.equal(await m.check(4, '10.0.0.5', 80), 'web5', 'listing still cached');
  await clock.advance(1001);
  assert.equal(await m.check(4, '10.0.0.5', 80), undefined);
  names = ['10.0.0.5'];
  await clock.advance(600_000);
  assert.equal(await m.check(4, '10.0.0.5', 80), '10.0.0.5');
  assert.deepEqual(calls, ['10.0.0.5', '10.0.0.6', '10.0.0.5'], 'looked up again after the TTL');
});
