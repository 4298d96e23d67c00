import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { KIND_CHECKS, SERVICE_CHECKS } from '../../../src/checks/registry.js';
import type { CheckFn } from '../../../src/checks/types.js';
import { makeSpec } from '../../harness/index.js';

const KINDS = ['connect', 'ping', 'external', 'external-perl', 'on', 'off'] as const;
const SERVICES = ['dns', 'ftp', 'http', 'https', 'http_proxy', 'imap', 'imaps', 'ldap', 'ldaps', 'mysql', 'nntp',
  'none', 'oracle', 'pop', 'pops', 'radius', 'pgsql', 'simpletcp', 'sip', 'smtp', 'submission'] as const;

/**
 * The checks of the core-checks task. The stub test below covers these; once every service
 * is implemented it should cover the whole registry (all KINDS and SERVICES).
 */
const CORE_KINDS: readonly (typeof KINDS)[number][] = KINDS;
const CORE_SERVICES: readonly (typeof SERVICES)[number][] = ['none', 'http', 'https', 'http_proxy', 'simpletcp'];

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

describe('no core check is still the stub', () => {
  // The stub answers at once, without I/O, with "<name> check not implemented". Call each check
  // against a refused port with a short timeout and require a different answer.
  const spec = makeSpec({ realAddress: '127.0.5.254', checkPort: 1, timeoutMs: 500, checkCommand: '/bin/false' });
  const entries: Array<[string, CheckFn]> = [
    ...CORE_KINDS.map((k): [string, CheckFn] => [k, KIND_CHECKS[k]]),
    ...CORE_SERVICES.map((s): [string, CheckFn] => [s, SERVICE_CHECKS[s]]),
  ];
  for (const [name, fn] of entries) {
    it(name, async () => {
      const r = await fn({ ...spec, kind: name === 'none' ? 'negotiate' : spec.kind }, AbortSignal.timeout(2000), {});
      assert.doesNotMatch(r.message, /check not implemented/);
    });
  }
});
