/** makeSpec builds a complete CheckSpec for tests, with neutral defaults and `over` applied. */
import type { CheckSpec } from '../../src/checks/types.js';

export function makeSpec(over: Partial<CheckSpec> = {}): CheckSpec {
  return {
    kind: 'negotiate',
    service: 'none',
    protocol: 'tcp',
    family: 4,
    virtualAddress: '10.0.0.1',
    virtualPort: 80,
    realAddress: '127.0.0.1',
    realPort: 80,
    checkPort: 80,
    request: '/',
    receive: '',
    httpMethod: 'GET',
    login: '',
    passwd: '',
    database: '',
    secret: '',
    checkCommand: '',
    timeoutMs: 2000,
    checkCount: 1,
    maxBytes: 1 << 20,
    tlsVerify: false,
    ...over,
  };
}
