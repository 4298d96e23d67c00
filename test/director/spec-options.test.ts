/**
 * Issue 10: a check's spec is its target plus exactly the options its table line declares, so
 * identical checks are keyed by what the check reads: two virtuals that differ only in an option
 * the check does not read share one check; differing in one it reads, they do not.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createDirector } from '../../src/director/index.js';
import { MemoryIpvs } from '../../src/ipvs/memory.js';
import { memoryLogger } from '../../src/util/log.js';
import { probeFor, realKey } from '../../src/director/spec.js';
import { KINDS, SERVICES, SERVICE_NAMES, checkerLine, type KindName } from '../../src/checks/table.js';
import type { CheckOption, CheckTarget } from '../../src/checks/types.js';
import type { Config, VirtualService } from '../../src/config/model.js';
import { FakeClock, ScriptedCheck, config, global, real, virtual } from './helpers.js';

const TARGET: ReadonlyArray<keyof CheckTarget> = [
  'kind', 'service', 'protocol', 'family', 'realAddress', 'realPort', 'checkPort', 'timeoutMs', 'maxBytes',
];

/** CHANGES: for each option a virtual sets, a value other than the helper's default. */
const CHANGES: ReadonlyArray<[CheckOption, Partial<VirtualService>]> = [
  ['request', { request: '/other' }],
  ['receive', { receive: 'Other' }],
  ['httpMethod', { httpmethod: 'HEAD' }],
  ['virtualHost', { virtualhost: 'www.example.test' }],
  ['login', { login: 'someone' }],
  ['passwd', { passwd: 'secret' }],
  ['database', { database: 'db' }],
  ['secret', { secret: 'radius' }],
  ['checkCommand', { checkcommand: '/bin/false' }],
  ['checkCount', { checkcount: 3 }],
  ['tlsVerify', { httpsverify: true }],
];

/** LINES: every line of the table as the checktype and service that run it. */
const LINES: ReadonlyArray<{ name: string; over: Partial<VirtualService> }> = [
  ...SERVICE_NAMES.map((s) => ({ name: `negotiate ${s}`, over: { checktype: { kind: 'negotiate' as const }, service: s } })),
  ...(Object.keys(KINDS) as KindName[]).map((k) => ({ name: k, over: { checktype: { kind: k } } })),
];

function keyOf(address: string, over: Partial<VirtualService>): string {
  return probeFor(virtual(address, 80, [], over), real('10.1.0.1'), global()).key;
}

test('every line: the spec holds the target and exactly the options the line reads', () => {
  for (const { name, over } of LINES) {
    const v = virtual('10.0.0.1', 80, [], { ...over, receive: 'OK' });
    const spec = probeFor(v, real('10.1.0.1'), global()).spec;
    const reads = checkerLine(spec.kind, spec.service).reads;
    const want = [...TARGET, ...reads, ...(reads.includes('receive') ? ['compiledReceive'] : [])].sort();
    assert.deepEqual(Object.keys(spec).sort(), want, name);
  }
});

test('every line and option: two virtuals differing only in it share a check iff the line does not read it', () => {
  let shared = 0;
  let separate = 0;
  for (const { name, over } of LINES) {
    const reads: readonly string[] = checkerLine(over.checktype?.kind === 'negotiate' ? 'negotiate' : over.checktype!.kind as KindName, over.service ?? 'http').reads;
    for (const [option, change] of CHANGES) {
      const same = keyOf('10.0.0.1', over) === keyOf('10.0.0.2', { ...over, ...change });
      assert.equal(same, !reads.includes(option) && !reads.includes('virtualAddress'), `${name}, ${option}`);
      if (same) shared++;
      else separate++;
    }
  }
  // Both outcomes occur many times (the table has lines that read many options and lines that read none).
  assert.ok(shared > 100 && separate > 30, `${shared} shared, ${separate} separate`);
});

test('the same real on two ports, or two checkports, never shares a check (maintenance files and targets differ)', () => {
  const v = virtual('10.0.0.1', 80, []);
  assert.notEqual(probeFor(v, real('10.1.0.1', { port: 80 }), global()).key, probeFor(v, real('10.1.0.1', { port: 8080 }), global()).key);
  assert.notEqual(keyOf('10.0.0.1', { checkport: 81 }), keyOf('10.0.0.2', { checkport: 82 }));
});

test('external checks keep the virtual they pass on: two VIPs, two checks', () => {
  for (const kind of ['external', 'external-perl'] as const) {
    assert.notEqual(keyOf('10.0.0.1', { checktype: { kind } }), keyOf('10.0.0.2', { checktype: { kind } }), kind);
  }
  assert.equal(keyOf('10.0.0.1', { checktype: { kind: 'connect' } }), keyOf('10.0.0.2', { checktype: { kind: 'connect' } }));
});

test('a connect check on a UDP virtual (which runs ping) carries checkCount', () => {
  const spec = probeFor(virtual('10.0.0.1', 53, [], { protocol: 'udp', checktype: { kind: 'connect' }, checkcount: 4 }), real('10.1.0.1'), global()).spec;
  assert.equal(spec.checkCount, 4);
  assert.equal(SERVICES.http.reads.includes('tlsVerify'), true, 'http follows redirects to https with the check\'s TLS policy');
});

test('the health key across reloads changes with an option the check reads, not with one it does not', () => {
  const r = real('10.1.0.1');
  const key = (over: Partial<VirtualService>): string => realKey(virtual('10.0.0.1', 80, [r], over), r, global());
  assert.equal(key({ login: 'someone' }), key({}), 'http does not read login');
  assert.notEqual(key({ request: '/other' }), key({}), 'http reads request');
  assert.notEqual(key({ service: 'ftp', login: 'someone' }), key({ service: 'ftp' }), 'ftp reads login');
});

function director(cfg: Config) {
  const clock = new FakeClock();
  const check = new ScriptedCheck(clock);
  const d = createDirector(cfg, {
    ipvs: new MemoryIpvs(), clock, logger: memoryLogger(), runCheck: check.fn, hostname: 'lb1', random: () => 0.5, pid: 42,
    sendMail: async () => {}, exec: async () => 0, options: { driftIntervalMs: 0 },
  });
  return { d, clock, check };
}

test('director: an http real behind two virtuals differing in login runs one check; differing in request, two', async () => {
  for (const [change, want] of [[{ login: 'someone' }, 1], [{ request: '/other' }, 2]] as const) {
    const r = real('10.1.0.1');
    const s = director(config([virtual('10.0.0.1', 80, [r]), virtual('10.0.0.2', 80, [r], change)]));
    await s.d.start();
    await s.clock.advance(5_000);
    await s.d.idle();
    assert.equal(s.check.calls.length, want, JSON.stringify(change));
    assert.deepEqual(s.d.status().virtuals.map((v) => v.reals[0]!.state), ['up', 'up']);
    await s.d.stop();
  }
});
