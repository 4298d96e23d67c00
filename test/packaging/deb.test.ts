/**
 * The Debian package (`npm run package:deb`): what it holds, its control data, that the unpacked
 * program runs, and lintian. Every lintian tag left is in ALLOWED with the reason it stays.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, lstatSync, mkdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { buildDeb, ROOT, type BuiltDeb } from './build.js';

let built: BuiltDeb;
before(() => { built = buildDeb(); });
after(() => built?.cleanup());

const PKG = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };

/** ALLOWED lintian tags, each with why it is not fixed. */
const ALLOWED: Record<string, string> = {
  'bogus-mail-host': 'the default Maintainer is a placeholder; a distributor sets DEBFULLNAME and DEBEMAIL when building',
  'bogus-mail-host-in-debian-changelog': 'the same placeholder address in the generated changelog',
  'groff-message': 'the man pages keep the docs\' wide tables; groff warns that it cannot justify a line inside a narrow cell (the text is all there)',
  'unusual-interpreter': 'bin/ldirectord starts with `#!/usr/bin/env -S node <the daemon\'s V8 flags>` so that a foreground daemon (a systemd unit\'s ExecStart, -d) runs with them; lintian takes "-S" for the interpreter (coreutils env splits the line, Debian >= 10)',
};

test('the file name and the control fields', () => {
  const arch = execFileSync('dpkg', ['--print-architecture'], { encoding: 'utf8' }).trim();
  assert.ok(built.deb.endsWith(`/ldirectord-node_${PKG.version}_${arch}.deb`), built.deb);
  const field = (f: string) => execFileSync('dpkg-deb', ['-f', built.deb, f], { encoding: 'utf8' }).trim();
  assert.equal(field('Package'), 'ldirectord-node');
  assert.equal(field('Version'), PKG.version);
  assert.match(field('Depends'), /^nodejs \(>= 20\.19\), libc6 \(>= [\d.]+\)/);
  for (const f of ['Provides', 'Conflicts', 'Replaces']) assert.equal(field(f), 'ldirectord', f);
  const conffiles = execFileSync('sh', ['-c', `dpkg-deb --ctrl-tarfile ${built.deb} | tar -xO ./conffiles`], { encoding: 'utf8' });
  assert.deepEqual(conffiles.trim().split('\n').sort(), ['/etc/default/ldirectord', '/etc/ha.d/ldirectord.cf', '/etc/logrotate.d/ldirectord']);
});

test('the tree: the commands, links, units, conffiles, man pages; no tests, benches or sources', () => {
  const listing = execFileSync('dpkg-deb', ['-c', built.deb], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const paths = listing.split('\n').filter(Boolean).map((l) => l.slice(l.indexOf('./') + 1).replace(/ -> .*$/, ''));
  for (const p of [
    '/usr/sbin/ldirectord', '/etc/ha.d/resource.d/ldirectord', '/lib/systemd/system/ldirectord.service',
    '/lib/systemd/system/ldirectord@.service', '/etc/ha.d/ldirectord.cf', '/etc/default/ldirectord',
    '/etc/logrotate.d/ldirectord', '/usr/share/man/man8/ldirectord.8.gz', '/usr/share/man/man5/ldirectord.cf.5.gz',
    '/usr/lib/ldirectord-node/bin/ldirectord', '/usr/lib/ldirectord-node/dist/bundle/cli/main.js',
    '/usr/share/doc/ldirectord-node/copyright', '/usr/share/doc/ldirectord-node/examples/www.cf',
  ]) assert.ok(paths.includes(p), `${p} is in the package`);
  const own = paths.filter((p) => p.startsWith('/usr/lib/ldirectord-node/') && !p.includes('/node_modules/'));
  assert.deepEqual(own.filter((p) => /\/(test|bench|src)\/|\.ts$|\.map$/.test(p)), [], 'only the built program');
  // The native addons are built for this machine, and nothing of the dev dependencies came along.
  for (const addon of ['raw-socket/build/Release/raw.node', 'unix-dgram/build/Release/unix_dgram.node']) {
    assert.ok(paths.includes(`/usr/lib/ldirectord-node/node_modules/${addon}`), addon);
  }
  for (const dev of ['typescript', 'esbuild', '@types']) {
    assert.ok(!paths.some((p) => p.startsWith(`/usr/lib/ldirectord-node/node_modules/${dev}/`)), `${dev} is not shipped`);
  }
  assert.match(listing, /\.\/usr\/sbin\/ldirectord -> \.\.\/lib\/ldirectord-node\/bin\/ldirectord/);
  assert.match(listing, /\.\/etc\/ha\.d\/resource\.d\/ldirectord -> \/usr\/sbin\/ldirectord/);
  assert.match(listing, /^-rwxr-xr-x root\/root .* \.\/usr\/lib\/ldirectord-node\/bin\/ldirectord$/m);
});

test('the unpacked program runs: -v, configtest of the shipped conffile and of the examples', () => {
  const bin = join(built.tree, 'usr/sbin/ldirectord');
  assert.ok(lstatSync(bin).isSymbolicLink());
  assert.equal(readlinkSync(bin), '../lib/ldirectord-node/bin/ldirectord');
  const v = spawnSync(bin, ['-v'], { encoding: 'utf8' });
  assert.equal(v.status, 0, v.stderr);
  assert.match(v.stdout, new RegExp(`ldirectord for Node\\.js ${PKG.version.replace(/\./g, '\\.')}`));
  const conf = spawnSync(bin, [join(built.tree, 'etc/ha.d/ldirectord.cf'), 'configtest'], { encoding: 'utf8' });
  assert.equal(conf.status, 0, conf.stderr);
  assert.match(conf.stdout, /0 virtual service\(s\)/, 'the conffile starts nothing: every directive is commented out');
  for (const ex of ['www.cf', 'mail.cf', 'ldirectord.cf']) {
    const r = spawnSync(bin, [join(built.tree, 'usr/share/doc/ldirectord-node/examples', ex), 'configtest'], { encoding: 'utf8' });
    assert.equal(r.status, 0, `${ex}: ${r.stderr}`);
    // The examples are documentation, readable by all: the only warning allowed is the one about
    // a readable file that holds passwords (mail.cf's login/passwd lines).
    const other = r.stderr.split('\n').filter((l) => l !== '' && !/holds a secret and the file is readable by other users/.test(l));
    assert.deepEqual(other, [], `${ex} loads without other warnings`);
  }
  // The addons load from the package's own node_modules (built, not only present).
  for (const mod of ['raw-socket', 'unix-dgram']) {
    const r = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(mod)})`], { cwd: join(built.tree, 'usr/lib/ldirectord-node'), encoding: 'utf8' });
    assert.equal(r.status, 0, `${mod}: ${r.stderr}`);
  }
});

test('the man pages are generated from the docs and render', () => {
  const pages = [
    ['man8/ldirectord.8.gz', ['NAME', 'SYNOPSIS', 'OPTIONS', 'ACTIONS AND EXIT CODES', 'SIGNALS (THE RUNNING DAEMON)', 'FILES']],
    ['man5/ldirectord.cf.5.gz', ['NAME', 'LEXICAL RULES', 'GLOBAL DIRECTIVES', 'CONNECTION SYNC (SYNCDAEMON=)', 'PER-VIRTUAL DIRECTIVES', 'EXAMPLE']],
  ] as const;
  for (const [page, sections] of pages) {
    const file = join(built.tree, 'usr/share/man', page);
    const roff = execFileSync('zcat', [file], { encoding: 'utf8' });
    const heads = roff.split('\n').filter((l) => l.startsWith('.SH ')).map((l) => l.slice(4));
    for (const s of sections) assert.ok(heads.includes(s), `${page}: section ${s} in ${heads.join(', ')}`);
    assert.doesNotMatch(roff, /\.md\b|docs\/|(test|src|bench)\//, `${page}: no repository links or code paths`);
    const r = spawnSync('sh', ['-c', `zcat "${file}" | groff -man -Tutf8 -P-cbou`], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.ok(r.stdout.split('\n').length > 100, `${page} renders`);
  }
});

test('lintian: every tag is fixed or explained', { timeout: 300_000 }, () => {
  const r = spawnSync('lintian', ['--tag-display-limit', '0', built.deb], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const tags = r.stdout.split('\n').filter((l) => /^[EWIXP]: /.test(l));
  const unexplained = tags.filter((l) => !((l.split(' ')[2] ?? '') in ALLOWED));
  assert.deepEqual(unexplained, [], `lintian tags not in the allow-list:\n${unexplained.join('\n')}`);
  assert.ok(existsSync(built.deb));
});

test('systemd units: systemd-analyze verify passes (man pages found in the package); notify, no KillMode=none or lock file', () => {
  const units = join(built.dir, 'units');
  mkdirSync(units);
  const sys = join(built.tree, 'lib/systemd/system');
  // The template verified as the instance an admin enables (ldirectord@www).
  copyFileSync(join(sys, 'ldirectord.service'), join(units, 'ldirectord.service'));
  copyFileSync(join(sys, 'ldirectord@.service'), join(units, 'ldirectord@www.service'));
  const r = spawnSync('systemd-analyze', ['verify', join(units, 'ldirectord.service'), join(units, 'ldirectord@www.service')], {
    encoding: 'utf8', env: { ...process.env, MANPATH: join(built.tree, 'usr/share/man'), SYSTEMD_LOG_LEVEL: 'notice' },
  });
  assert.equal(r.status, 0, r.stderr);
  // Other units on this machine may draw warnings; ours must draw none.
  assert.deepEqual(r.stderr.split('\n').filter((l) => /ldirectord/.test(l)), []);
  for (const [unit, exec] of [['ldirectord.service', '/usr/sbin/ldirectord start'], ['ldirectord@.service', '/usr/sbin/ldirectord %i start']] as const) {
    const text = readFileSync(join(sys, unit), 'utf8').split('\n').filter((l) => !l.startsWith('#')).join('\n');
    assert.match(text, /^Type=notify$/m, unit);
    assert.match(text, new RegExp(`^ExecStart=${exec}$`, 'm'), unit);
    assert.match(text, /^ExecReload=/m, unit);
    assert.doesNotMatch(text, /KillMode=none|\/var\/lock\/subsys|^ExecStop=/m, unit);
  }
});
