/** specFor builds a CheckSpec for the negotiate-check tests of dns, radius, sql and sip. */
import type { CheckSpec } from '../../../src/checks/types.js';

export function specFor(overrides: Partial<CheckSpec> & Pick<CheckSpec, 'service' | 'realAddress' | 'checkPort'>): CheckSpec {
  return {
    kind: 'negotiate', protocol: 'tcp', family: 4, virtualAddress: '127.0.7.254', virtualPort: 0,
    realPort: overrides.checkPort, request: '/', receive: '', httpMethod: 'GET', login: '', passwd: '',
    database: '', secret: '', checkCommand: '', timeoutMs: 3000, checkCount: 1, maxBytes: 65536,
    tlsVerify: false, ...overrides,
  };
}

/** never is an AbortSignal that never aborts: the check's own timeout is under test. */
export const never = new AbortController().signal;
