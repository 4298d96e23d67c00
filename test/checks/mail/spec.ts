/** Test helpers shared by the mail, LDAP, FTP and NNTP check tests: specs and timing asserts. */
import assert from 'node:assert/strict';
import type { CheckResult, CheckServiceName, CheckSpec } from '../../../src/checks/types.js';

/** makeSpec builds a negotiate CheckSpec for `service` at host:port with test-friendly defaults. */
export function makeSpec(service: CheckServiceName, host: string, port: number, over: Partial<CheckSpec> = {}): CheckSpec {
  return {
    kind: 'negotiate', service, protocol: 'tcp', family: 4,
    virtualAddress: '10.0.0.1', virtualPort: port,
    realAddress: host, realPort: port, checkPort: port,
    request: '/', receive: '', httpMethod: 'GET',
    login: '', passwd: '', database: '', secret: '', checkCommand: '',
    timeoutMs: 5000, checkCount: 1, maxBytes: 65536, tlsVerify: false,
    ...over,
  };
}

/** MARGIN_MS is the slack allowed past a check's timeout before it counts as having hung. */
export const MARGIN_MS = 1500;

/** assertTimedOut checks a result is a timeout that came back within timeout + MARGIN_MS. */
export function assertTimedOut(r: CheckResult, timeoutMs: number, wallMs: number): void {
  assert.equal(r.up, false, 'a silent server must be down');
  assert.match(r.message, /timeout/);
  assert.ok(wallMs < timeoutMs + MARGIN_MS, `returned after ${wallMs} ms, timeout ${timeoutMs} ms`);
  assert.ok(wallMs >= timeoutMs - 50, `returned after ${wallMs} ms, before the ${timeoutMs} ms timeout`);
}

/** timed runs `fn` and returns its result with the wall time it took. */
export async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const t0 = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - t0 };
}

/** never is an AbortSignal nobody aborts (the check's own timeout must do the work). */
export function never(): AbortSignal {
  return new AbortController().signal;
}

/** CTX is the check context the tests pass: a fixed hostname for EHLO and FTP passwords. */
export const CTX = { hostname: 'lvs-test.invalid' } as const;
