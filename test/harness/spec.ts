/** Check specs and small check-test helpers shared by every check test. */
import assert from 'node:assert/strict';
import type { CheckResult, CheckServiceName, FullCheckSpec } from '../../src/checks/types.js';

/**
 * makeSpec builds a spec with every option (valid for any checker) for tests, with neutral
 * defaults and `over` applied.
 */
export function makeSpec(over: Partial<FullCheckSpec> = {}): FullCheckSpec {
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

/**
 * serviceSpec is the negotiate spec of the line-protocol tests (mail, nntp, ldap, ftp): `service`
 * at host:port (virtual, real and check port alike), 5 s timeout, 64 KiB read bound.
 */
export function serviceSpec(service: CheckServiceName, host: string, port: number, over: Partial<FullCheckSpec> = {}): FullCheckSpec {
  return makeSpec({
    service, virtualPort: port, realAddress: host, realPort: port, checkPort: port, timeoutMs: 5000, maxBytes: 65536, ...over,
  });
}

/** specFor is the negotiate spec of the dns, radius, sql and sip tests: 3 s timeout, 64 KiB read bound. */
export function specFor(over: Partial<FullCheckSpec> & Pick<FullCheckSpec, 'service' | 'realAddress' | 'checkPort'>): FullCheckSpec {
  return makeSpec({
    virtualAddress: '127.0.7.254', virtualPort: 0, realPort: over.checkPort, timeoutMs: 3000, maxBytes: 65536, ...over,
  });
}

/** never is an AbortSignal nobody aborts (the check's own timeout must do the work). */
export function never(): AbortSignal {
  return new AbortController().signal;
}

/** CTX is the check context the tests pass: a fixed hostname for EHLO and FTP passwords. */
export const CTX = { hostname: 'lvs-test.invalid' } as const;

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

/**
 * assertDownAfterStop is the "server goes away" test of every real-server check: start a
 * private server, require every probe up, stop it, require every probe down with `refused`
 * (an exact message, or a pattern). `cleanup` (stop + remove the temp dir) runs on every path.
 */
export async function assertDownAfterStop<S>(opts: {
  start: () => Promise<S>;
  stop: (server: S) => Promise<void>;
  cleanup: (server: S | undefined) => Promise<void> | void;
  probes: (server: S) => Array<() => Promise<CheckResult>>;
  refused: string | RegExp;
}): Promise<void> {
  let server: S | undefined;
  try {
    server = await opts.start();
    const probes = opts.probes(server);
    for (const probe of probes) assert.equal((await probe()).up, true);
    await opts.stop(server);
    for (const probe of probes) {
      const r = await probe();
      if (typeof opts.refused === 'string') assert.deepEqual([r.up, r.message], [false, opts.refused]);
      else {
        assert.equal(r.up, false);
        assert.match(r.message, opts.refused);
      }
    }
  } finally {
    await opts.cleanup(server);
  }
}
