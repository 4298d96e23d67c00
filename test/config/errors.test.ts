// Every problem of a file is reported at once, each with file:line, directive and what was expected.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatDiagnostic, loadConfig } from '../../src/config/index.js';
import { errors, load, SERVICES, show } from './helpers.js';

test('a file with 5 different errors yields 5 diagnostics, in line order', async () => {
  const cf = [
    'checkinterval=0',                       // 1
    'quiescent=maybe',                       // 2
    'virtual=192.0.2.1:80',                  // 3
    '\treal=192.168.6.[2-3]:80 gate',        // 4
    '\tcheckport=70000',                     // 5
    '\tscheduler=rr',                        // 6
    '\treceive="(oops"',                     // 7
  ].join('\n');
  const got = await errors(cf);
  assert.deepEqual(got.map((d) => [d.line, d.directive]), [
    [1, 'checkinterval'], [2, 'quiescent'], [4, 'real'], [5, 'checkport'], [7, 'receive'],
  ], got.map(show).join('\n'));
  assert.equal(got[3]!.message, 'checkport must be 1..65535, got 70000');
});

test('errors in several virtuals, a bad header and its body, warnings kept alongside', async () => {
  const r = await load([
    'virtual=10.0.0.1',        // 1 bad header (no port)
    '\tchecktype=bogus',       // 2 body still checked
    '\tcheckcount=2',          // 3 warning
    '',
    'virtual=192.0.2.1:80',    // 5
    '\treal=192.0.2.2 direct', // 6
    '\thttpmethod=PUT',        // 7
    '',
    'virtual=192.0.2.1:80',    // 9 duplicate
    '\treal=192.0.2.2 gate',
  ].join('\n'));
  assert.equal(r.ok, false);
  if (r.ok) return;
  assert.deepEqual(r.diagnostics.map((d) => [d.line, d.severity, d.directive]), [
    [1, 'error', 'virtual'], [2, 'error', 'checktype'], [3, 'warning', 'checkcount'],
    [6, 'error', 'real'], [7, 'error', 'httpmethod'], [9, 'error', 'virtual'],
  ]);
});

test('formatDiagnostic renders file:line: severity: directive: message', async () => {
  const [d] = await errors('virtual=192.0.2.1:80\n\treal=192.0.2.2 gate\n\tcheckport=70000\n');
  assert.ok(d);
  assert.equal(formatDiagnostic(d), '/t/test.cf:3: error: checkport: checkport must be 1..65535, got 70000');
});

test('loadConfig: missing file is one diagnostic at line 0', async () => {
  const r = await loadConfig('/nonexistent/ldirectord-test.cf', { services: SERVICES });
  assert.equal(r.ok, false);
  if (r.ok) return;
  assert.equal(r.diagnostics.length, 1);
  assert.equal(r.diagnostics[0]!.line, 0);
  assert.match(r.diagnostics[0]!.message, /can not open file .*ENOENT/);
});

test('loadConfig: reads a file, name is its basename unless given', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'ldcfg-'));
  try {
    const file = join(dir, 'www');
    await writeFile(file, 'virtual=127.0.0.1:http\n\treal=127.0.0.2 gate\n');
    const svc = join(dir, 'services');
    await writeFile(svc, 'http 80/tcp www\n');
    const r = await loadConfig(file, { servicesFile: svc, hostname: 'h' });
    assert.ok(r.ok);
    if (!r.ok) return;
    assert.equal(r.config.file, file);
    assert.equal(r.config.name, 'www');
    assert.equal(r.config.virtuals[0]!.port, 80);
    const r2 = await loadConfig(file, { servicesFile: svc, name: 'other' });
    assert.ok(r2.ok && r2.config.name === 'other');
    const r3 = await loadConfig(file, { servicesFile: join(dir, 'missing-services') });
    assert.ok(!r3.ok && /unknown service name "http"/.test(r3.diagnostics[0]!.message));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a config readable by others that holds passwd/secret gets a warning at each secret line; mode 0640 none', async () => {
  const { mkdtempSync, writeFileSync, chmodSync, rmSync } = await import('node:fs');
  const dir = mkdtempSync(join(tmpdir(), 'ld-cfmode-'));
  try {
    const file = join(dir, 'pw.cf');
    writeFileSync(file, 'virtual=192.0.2.1:110\n\treal=192.0.2.2:110 gate\n\tservice=pop\n\tpasswd="hunter2"\n\nvirtual=192.0.2.1:1812\n\tprotocol=udp\n\treal=192.0.2.3:1812 gate\n\tsecret="s3"\n');
    chmodSync(file, 0o644);
    const r = await loadConfig(file, { services: SERVICES });
    assert.ok(r.ok);
    const w = r.warnings.filter((d) => /readable by other users/.test(d.message)).map((d) => [d.file, d.line, d.directive]);
    assert.deepEqual(w, [[file, 4, 'passwd'], [file, 9, 'secret']]);
    chmodSync(file, 0o640);
    const r2 = await loadConfig(file, { services: SERVICES });
    assert.ok(r2.ok && !r2.warnings.some((d) => /readable by other users/.test(d.message)));
  } finally { rmSync(dir, { recursive: true, force: true }); }
});
