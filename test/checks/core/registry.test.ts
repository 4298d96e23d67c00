import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { KIND_CHECKS, SERVICE_CHECKS } from '../../../src/checks/registry.js';
import type { CheckFn, CheckSpec } from '../../../src/checks/types.js';
import { makeSpec } from '../../harness/index.js';

const KINDS = ['connect', 'ping', 'external', 'external-perl', 'on', 'off'] as const;
const SERVICES = ['dns', 'ftp', 'http', 'https', 'http_proxy', 'imap', 'imaps', 'ldap', 'ldaps', 'mysql', 'nntp',
  'none', 'oracle', 'pop', 'pops', 'radius', 'pgsql', 'simpletcp', 'sip', 'smtp', 'submission', 'tcp-tls'] as const;

describe('registry', () => {
  it('has exactly the known kinds and services', () => {
    assert.deepEqual(Object.keys(KIND_CHECKS).sort(), [...KINDS].sort());
    assert.deepEqual(Object.keys(SERVICE_CHECKS).sort(), [...SERVICES].sort());
  });

  for (const k of KINDS) it(`kind ${k} is a function`, () => assert.equal(typeof KIND_CHECKS[k], 'function'));
  for (const s of SERVICES) it(`service ${s} is a function`, () => assert.equal(typeof SERVICE_CHECKS[s], 'function'));

  it('tables are frozen', () => {
    assert.ok(Object.isFrozen(KIND_CHECKS));
    assert.ok(Object.isFrozen(SERVICE_CHECKS));
  });
});

describe('no registered check is a placeholder', () => {
  // Every kind and service is implemented: run each against a closed loopback port with a short
  // timeout and require a real answer - a well-formed down result that does not say
  // "not implemented" (what a placeholder check answers).
  const spec = makeSpec({ realAddress: '127.0.5.254', checkPort: 1, timeoutMs: 500, checkCommand: '/bin/false', receive: '.' });
  const entries: Array<[string, CheckFn, Partial<CheckSpec>]> = [
    ...KINDS.map((k): [string, CheckFn, Partial<CheckSpec>] => [`kind ${k}`, KIND_CHECKS[k], { kind: k }]),
    ...SERVICES.map((s): [string, CheckFn, Partial<CheckSpec>] => [`service ${s}`, SERVICE_CHECKS[s], { kind: 'negotiate', service: s }]),
  ];
  for (const [name, fn, over] of entries) {
    it(name, async () => {
      const r = await fn({ ...spec, ...over }, AbortSignal.timeout(3000), {});
      assert.equal(typeof r.up, 'boolean');
      assert.equal(typeof r.message, 'string');
      assert.ok(Number.isFinite(r.durationMs));
      assert.doesNotMatch(r.message, /not implemented/i);
      // on/none are always up and a loopback address answers ping; the rest has nothing on port 1.
      if (!['kind on', 'service none', 'kind ping'].includes(name)) assert.equal(r.up, false, r.message);
    });
  }
});
