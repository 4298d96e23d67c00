/** The error model: one subclass per part, each with its codes; all recognised as LdError. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CheckError, ConfigError, ControlError, DaemonError, IpvsError, LdError, isLdError } from '../../src/util/errors.js';
import { configError, loadConfigText, parseServices } from '../../src/config/index.js';
import { ipvsError } from '../../src/ipvs/errno.js';
import { fail } from '../../src/checks/lib/deadline.js';
import { NoDaemon } from '../../src/cli/control-client.js';
import { MemoryIpvs } from '../../src/ipvs/memory.js';

test('a config that does not load is a ConfigError carrying each diagnostic at its file and line', async () => {
  const cf = 'checktimeout = 3\nvirtual = 10.0.0.1:80\n\treal = 10.1.0.1:80 gate\n\tbogus = 1\n\tscheduler = wrr\nnosuchdirective = 2\n';
  const r = await loadConfigText(cf, '/etc/ha.d/bad.cf', { hostname: 'lvs1', services: parseServices('') });
  assert.equal(r.ok, false);
  if (r.ok) return;
  const e = configError(r.diagnostics);
  assert.ok(e instanceof ConfigError && e instanceof LdError);
  assert.equal(e.code, 'LD_ERR_CONFIG');
  assert.equal(e.name, 'LdError', 'messages and String(e) read as before');
  const errors = e.diagnostics.filter((d) => d.severity === 'error');
  assert.deepEqual(errors.map((d) => [d.file, d.line]), [['/etc/ha.d/bad.cf', 4], ['/etc/ha.d/bad.cf', 6]]);
  assert.equal(e.message.split('\n').length, e.diagnostics.length);
  assert.match(e.message, /^\/etc\/ha\.d\/bad\.cf:4: error: /);
});

test('each part raises its own subclass with its codes', async () => {
  const cases: Array<{ desc: string; err: LdError; cls: typeof LdError; code: string }> = [
    { desc: 'kernel EEXIST on a dest', err: ipvsError(17, 'addDest', true), cls: IpvsError, code: 'LD_ERR_IPVS_EXISTS' },
    { desc: 'a check body\'s protocol "no"', err: fail('530 Login incorrect'), cls: CheckError, code: 'LD_ERR_CHECK' },
    { desc: 'no daemon on the control socket', err: new NoDaemon('/run/x.sock', 'ENOENT'), cls: ControlError, code: 'LD_ERR_CONTROL' },
    { desc: 'the drain file', err: new DaemonError('LD_ERR_STATE', 'x'), cls: DaemonError, code: 'LD_ERR_STATE' },
  ];
  for (const c of cases) {
    assert.ok(c.err instanceof c.cls, c.desc);
    assert.ok(isLdError(c.err, c.code as LdError['code']), c.desc);
  }
  // The in-memory IPVS double answers as the kernel driver does: IpvsError.
  const ipvs = new MemoryIpvs();
  const svc = { key: { family: 4, protocol: 'tcp', address: '10.0.0.1', port: 80 }, scheduler: 'wrr', flags: 0, timeout: 0, netmask: '255.255.255.255' } as const;
  const [, again] = await ipvs.apply([{ op: 'addService', service: svc }, { op: 'addService', service: svc }]);
  assert.ok(again && !again.ok && again.error instanceof IpvsError && again.error.code === 'LD_ERR_IPVS_EXISTS');
});
