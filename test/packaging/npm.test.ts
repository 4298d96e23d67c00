/**
 * The npm package: `npm pack` holds only what runs (the bundle, the command, the examples), and
 * the packed tarball installed into an empty prefix (`npm install -g --prefix`) works: `ldirectord
 * -v` and `configtest` through the `bin` link, which is the same bin/ldirectord the Debian package
 * runs. Dependencies come from the npm cache or the registry; native addons are built on install.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readlinkSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './build.js';

let dir: string;
let tgz: string;
let files: string[] = [];
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'ld-npm-'));
  // --ignore-scripts: `npm test` has just built; prepack would build again.
  const out = execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], { cwd: ROOT, encoding: 'utf8' });
  const info = JSON.parse(out) as Array<{ filename: string; files: Array<{ path: string }> }>;
  tgz = join(dir, info[0]!.filename);
  files = info[0]!.files.map((f) => f.path);
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('npm pack holds only what runs', () => {
  assert.ok(files.includes('bin/ldirectord'));
  assert.ok(files.includes('dist/bundle/cli/main.js'));
  assert.ok(files.includes('package.json'));
  const stray = files.filter((f) => !/^(bin\/ldirectord|dist\/bundle\/cli\/[\w-]+\.js|examples\/[\w.-]+\.cf|package\.json|README\.md)$/.test(f));
  assert.deepEqual(stray, [], 'no tests, benches, sources, CI or docs beyond the README');
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string>; os: string[] };
  assert.deepEqual(pkg.bin, { ldirectord: 'bin/ldirectord' }, 'the same start path as the Debian package');
  assert.deepEqual(pkg.os, ['linux']);
});

test('the tarball installs into an empty prefix; ldirectord -v and configtest run', { timeout: 600_000 }, () => {
  const prefix = join(dir, 'prefix');
  const install = spawnSync('npm', ['install', '-g', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', tgz], {
    encoding: 'utf8', env: { ...process.env, npm_config_nodedir: process.env.npm_config_nodedir ?? '/usr' }, timeout: 540_000,
  });
  assert.equal(install.status, 0, install.stderr);
  const bin = join(prefix, 'bin', 'ldirectord');
  assert.match(readlinkSync(bin), /node_modules\/ldirectord-node\/bin\/ldirectord$/);
  const v = spawnSync(bin, ['-v'], { encoding: 'utf8' });
  assert.equal(v.status, 0, v.stderr);
  assert.match(v.stdout, /^Linux Director v1\.186-ha \(ldirectord for Node\.js \d+\.\d+\.\d+\)/);
  const installed = realpathSync(join(prefix, 'lib/node_modules/ldirectord-node'));
  const ct = spawnSync(bin, [join(installed, 'examples/www.cf'), 'configtest'], { encoding: 'utf8' });
  assert.equal(ct.status, 0, ct.stderr);
  assert.match(ct.stdout, /1 virtual service\(s\)/);
  // The native addons were built by the install, inside the prefix.
  for (const mod of ['raw-socket', 'unix-dgram']) {
    const r = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(mod)})`], { cwd: installed, encoding: 'utf8' });
    assert.equal(r.status, 0, `${mod}: ${r.stderr}`);
  }
});

