// Builds the Debian package ldirectord-node_<version>_<arch>.deb from a built checkout
// (`npm run package:deb` builds first). dpkg-deb only, no debhelper: the tree is small and every
// file in it is placed here, so lintian (test/packaging/deb.test.ts) sees exactly what we chose.
//
//   /usr/lib/ldirectord-node/       package.json, bin/ldirectord, dist/bundle (the program),
//                                   node_modules (production dependencies, native addons built)
//   /usr/sbin/ldirectord            -> ../lib/ldirectord-node/bin/ldirectord
//   /etc/ha.d/resource.d/ldirectord -> /usr/sbin/ldirectord (heartbeat's haresources)
//   /lib/systemd/system/            ldirectord.service, ldirectord@.service
//   /etc/ha.d/ldirectord.cf, /etc/default/ldirectord, /etc/logrotate.d/ldirectord (conffiles)
//   /usr/share/man/                 ldirectord(8), ldirectord.cf(5), generated from docs/
//
// Usage: node packaging/build-deb.mjs [--out DIR] (default dist/pkg). Prints the .deb's path.
import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { MAN_PAGES, renderMan } from './man.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const outArg = process.argv.indexOf('--out');
const outDir = outArg > 0 ? process.argv[outArg + 1] : join(root, 'dist', 'pkg');
const arch = execFileSync('dpkg', ['--print-architecture'], { encoding: 'utf8' }).trim();
const name = 'ldirectord-node';
const version = pkg.version;
const priv = '/usr/lib/ldirectord-node';
// Debian's convention for who builds a package (dch, debmake); the default is a placeholder.
const MAINTAINER = process.env.DEBFULLNAME && process.env.DEBEMAIL
  ? `${process.env.DEBFULLNAME} <${process.env.DEBEMAIL}>`
  : 'ldirectord-node maintainers <ldirectord-node@localhost>';

if (!existsSync(join(root, 'dist/bundle/cli/main.js'))) {
  console.error('build-deb: dist/bundle is missing: run `npm run build` first (or `npm run package:deb`)');
  process.exit(1);
}

const gz = (text) => gzipSync(Buffer.from(text), { level: 9 }); // gzip -9n: no name, no time

/** build stages the tree in a temp dir and packs it; returns the .deb's path. */
function build() {
  const stage = mkdtempSync(join(tmpdir(), 'ld-deb-'));
  const tree = join(stage, 'root');
  const at = (p) => join(tree, p);
  const put = (p, text, mode = 0o644) => {
    mkdirSync(dirname(at(p)), { recursive: true });
    writeFileSync(at(p), text);
    chmodSync(at(p), mode);
  };
  try {
    // The program: the bundle only (bin/ldirectord runs it; dist/src is its source, not needed).
    put(`${priv}/package.json`, `${JSON.stringify({ ...pkg, devDependencies: undefined, scripts: undefined }, null, 2)}\n`);
    cpSync(join(root, 'package-lock.json'), at(`${priv}/package-lock.json`));
    cpSync(join(root, 'bin/ldirectord'), at(`${priv}/bin/ldirectord`));
    chmodSync(at(`${priv}/bin/ldirectord`), 0o755);
    cpSync(join(root, 'dist/bundle'), at(`${priv}/dist/bundle`), { recursive: true });
    // Production dependencies without their install scripts, then the native addons the
    // checkout's own `npm ci` built (and the tests ran): the same binaries, and no second
    // compile of re2 (minutes of CPU) for every package built.
    execFileSync('npm', ['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], {
      cwd: at(priv), stdio: ['ignore', 'inherit', 'inherit'],
    });
    copyBuiltAddons(join(root, 'node_modules'), at(`${priv}/node_modules`));
    rmSync(at(`${priv}/package-lock.json`));
    pruneNodeModules(at(`${priv}/node_modules`));

    mkdirSync(at('/usr/sbin'), { recursive: true });
    symlinkSync(`../lib/ldirectord-node/bin/ldirectord`, at('/usr/sbin/ldirectord'));
    mkdirSync(at('/etc/ha.d/resource.d'), { recursive: true });
    symlinkSync('/usr/sbin/ldirectord', at('/etc/ha.d/resource.d/ldirectord'));

    for (const unit of ['ldirectord.service', 'ldirectord@.service']) {
      put(`/lib/systemd/system/${unit}`, readFileSync(join(root, 'packaging/systemd', unit)));
    }
    put('/etc/default/ldirectord', readFileSync(join(root, 'packaging/etc/default-ldirectord')));
    put('/etc/logrotate.d/ldirectord', readFileSync(join(root, 'packaging/etc/logrotate-ldirectord')));
    put('/etc/ha.d/ldirectord.cf', exampleConffile(readFileSync(join(root, 'examples/ldirectord.cf'), 'utf8')));

    const doc = `/usr/share/doc/${name}`;
    for (const ex of readdirSync(join(root, 'examples')).filter((f) => f.endsWith('.cf'))) {
      put(`${doc}/examples/${ex}`, readFileSync(join(root, 'examples', ex)));
    }
    put(`${doc}/copyright`, COPYRIGHT);
    put(`${doc}/changelog.gz`, gz(changelog()));
    for (const page of MAN_PAGES) {
      const section = page.slice(page.lastIndexOf('.') + 1);
      put(`/usr/share/man/man${section}/${page}.gz`, gz(renderMan(root, page, version)));
    }

    const conffiles = ['/etc/default/ldirectord', '/etc/ha.d/ldirectord.cf', '/etc/logrotate.d/ldirectord'];
    put('/DEBIAN/conffiles', `${conffiles.join('\n')}\n`);
    put('/DEBIAN/postinst', MAINT_SCRIPT, 0o755);
    put('/DEBIAN/postrm', MAINT_SCRIPT, 0o755);
    put('/DEBIAN/md5sums', md5sums(tree));
    put('/DEBIAN/control', control(installedSizeKb(tree), shlibDepends(stage, tree)));

    mkdirSync(outDir, { recursive: true });
    const deb = join(outDir, `${name}_${version}_${arch}.deb`);
    execFileSync('dpkg-deb', ['--root-owner-group', '-Zxz', '--build', tree, deb], { stdio: ['ignore', 'ignore', 'inherit'] });
    return deb;
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}

/** copyBuiltAddons copies every `build/Release` of `from` whose package is also in `to`. */
function copyBuiltAddons(from, to) {
  walk(from, (path, st) => {
    if (!st.isDirectory()) return 'keep';
    const rel = relative(from, path);
    if (!/(^|\/)build\/Release$/.test(rel)) return 'keep';
    const pkgDir = join(to, rel.replace(/\/?build\/Release$/, ''));
    if (lstatSync(pkgDir, { throwIfNoEntry: false })?.isDirectory()) cpSync(path, join(pkgDir, 'build/Release'), { recursive: true });
    return 'skip';
  });
}

/** pruneNodeModules drops what only building or developing a dependency needs. */
function pruneNodeModules(dir) {
  walk(dir, (path, st) => {
    const rel = relative(dir, path);
    const base = rel.split('/').pop();
    // node-gyp leftovers: objects, dependency files, makefiles; the .node addon itself stays.
    if (st.isDirectory() && /\/build\/(Release\/(obj\.target|\.deps)|Release\/obj)$|\/build\/Debug$/.test(`/${rel}`)) return 'remove';
    if (st.isFile() && /\/build\/(Makefile|config\.gypi|.*\.mk)$/.test(`/${rel}`)) return 'remove';
    // Only to build an addon: node-gyp (a dependency of re2, with gyp's Python), nan's headers,
    // the prebuilt-download helper, and re2's vendored C++ sources (the built re2.node stays).
    if (st.isDirectory() && /(^|\/node_modules\/)(node-gyp|nan|install-artifact-from-github|re2\/vendor)$/.test(rel)) return 'remove';
    // Type declarations and the tools of a header-only build dependency never run.
    if (st.isDirectory() && (base === '@types' || rel === 'node-addon-api/tools')) return 'remove';
    if (st.isFile() && /\.d\.[cm]?ts$/.test(base)) return 'remove';
    // Packaging and VCS leftovers of the dependencies.
    if (st.isFile() && /^\.(npmignore|gitattributes|gitignore|travis\.yml|eslintrc.*|prettierrc.*|editorconfig)$/.test(base)) return 'remove';
    if (st.isFile() && base.endsWith('.node')) {
      // Prebuilt addons for other systems (macOS, Windows, other CPUs) can never load here.
      if (!isElfFor(path, arch)) return 'remove';
      execFileSync('strip', ['--strip-unneeded', '--remove-section=.comment', '--remove-section=.note', path]);
      chmodSync(path, 0o644); // a library dlopen()ed by node, not a program
    } else if (st.isFile() && (st.mode & 0o111) && !isScript(path)) {
      chmodSync(path, 0o644); // executable bits on data files (LICENSE, package.json) in some tarballs
    }
    return 'keep';
  });
}

/** ELF_MACHINE: dpkg architecture -> ELF e_machine. */
const ELF_MACHINE = { amd64: 62, arm64: 183, i386: 3, armhf: 40, armel: 40, ppc64el: 21, s390x: 22, riscv64: 243 };

/** isElfFor tells whether a file is an ELF object for this architecture (e_machine at byte 18). */
function isElfFor(path, debArch) {
  const head = readFileSync(path).subarray(0, 20);
  return head.length === 20 && head.readUInt32BE(0) === 0x7f454c46 && head.readUInt16LE(18) === ELF_MACHINE[debArch];
}

function isScript(path) {
  return readFileSync(path).subarray(0, 2).toString('latin1') === '#!';
}

/** walk visits every entry under dir (symlinks as themselves); 'remove' deletes the entry. */
function walk(dir, visit) {
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    const st = lstatSync(path, { throwIfNoEntry: false });
    if (!st) continue;
    const what = visit(path, st);
    if (what === 'remove') { rmSync(path, { recursive: true, force: true }); continue; }
    if (what !== 'skip' && st.isDirectory()) walk(path, visit);
  }
}

/** exampleConffile: the annotated example with every setting commented out (installing starts nothing). */
function exampleConffile(text) {
  const body = text.split('\n').map((l) => (l.trim() === '' || l.trimStart().startsWith('#') ? l : `#${l}`)).join('\n');
  return `# /etc/ha.d/ldirectord.cf: the configuration of ldirectord.service and of \`ldirectord start\`.\n` +
    `# Every directive is commented out; see ldirectord.cf(5) and /usr/share/doc/${name}/examples/.\n\n${body}`;
}

function md5sums(dir) {
  const lines = [];
  walk(dir, (path, st) => {
    const rel = relative(dir, path);
    if (rel.startsWith('DEBIAN')) return 'keep';
    if (st.isFile() && !rel.startsWith('etc/')) lines.push(`${createHash('md5').update(readFileSync(path)).digest('hex')}  ${rel}`);
    return 'keep';
  });
  return `${lines.sort().join('\n')}\n`;
}

function installedSizeKb(dir) {
  return execFileSync('du', ['-sk', '--apparent-size', '--exclude=DEBIAN', dir], { encoding: 'utf8' }).split('\t')[0];
}

/** shlibDepends: the libraries the native addons link (libc6, libstdc++6, ...), as dpkg-shlibdeps finds them. */
function shlibDepends(stage, tree) {
  const addons = [];
  walk(tree, (path, st) => { if (st.isFile() && path.endsWith('.node')) addons.push(path); return 'keep'; });
  mkdirSync(join(stage, 'debian'), { recursive: true });
  writeFileSync(join(stage, 'debian/control'), `Source: ${name}\n\nPackage: ${name}\nArchitecture: any\n`);
  // Its warnings are about the N-API/V8 symbols node itself provides: expected, and not ours to fix.
  const out = execFileSync('dpkg-shlibdeps', ['-O', ...addons.map((a) => `-e${a}`)], { cwd: stage, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  return out.trim().replace(/^shlibs:Depends=/, '');
}

function control(sizeKb, shlibs) {
  return [
    `Package: ${name}`,
    `Version: ${version}`,
    `Architecture: ${arch}`,
    `Maintainer: ${MAINTAINER}`,
    `Installed-Size: ${sizeKb}`,
    `Depends: nodejs (>= 20.19), ${shlibs}`,
    'Suggests: ipvsadm',
    'Recommends: logrotate',
    'Provides: ldirectord',
    'Conflicts: ldirectord',
    'Replaces: ldirectord',
    'Section: net',
    'Priority: optional',
    'Homepage: https://github.com/ldirectord-node/ldirectord-node',
    'Description: Linux Virtual Server health monitor (ldirectord for Node.js)',
    ' A re-implementation of ldirectord, the daemon that checks the real servers of',
    ' Linux Virtual Server services (http, https, smtp, pop, imap, ldap, dns, mysql',
    ' and more) and keeps the kernel\'s IPVS table in line with their health, talking',
    ' generic netlink to the kernel directly. It is a drop-in replacement for the',
    ' Perl ldirectord: same command line, configuration files, pid files and logs,',
    ' so heartbeat\'s haresources, Pacemaker\'s ocf:heartbeat:ldirectord agent and',
    ' ldirectord.service keep working unchanged.',
    '',
  ].join('\n');
}

function changelog() {
  const date = execFileSync('date', ['-R', '-u', '-d', `@${Math.floor(statSync(join(root, 'package.json')).mtimeMs / 1000)}`], { encoding: 'utf8' }).trim();
  return `${name} (${version}) unstable; urgency=medium\n\n  * Package built from the ldirectord-node source tree.\n\n -- ${MAINTAINER}  ${date}\n`;
}

const COPYRIGHT = `Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: ldirectord-node
Comment: The bundled Node.js modules in /usr/lib/ldirectord-node/node_modules carry their own
 licenses (MIT, BSD, Apache-2.0, ISC); each module's LICENSE file is kept next to it.

Files: *
Copyright: 2026 ldirectord-node contributors
License: GPL-2+

License: GPL-2+
 This program is free software; you can redistribute it and/or modify it under the terms of the
 GNU General Public License as published by the Free Software Foundation; either version 2 of
 the License, or (at your option) any later version.
 .
 On Debian systems, the complete text of the GNU General Public License version 2 can be found
 in /usr/share/common-licenses/GPL-2.
`;

// Units are not enabled or started on install: on a director heartbeat or Pacemaker usually
// starts ldirectord. A unit the Perl package had enabled stays enabled (same unit name).
const MAINT_SCRIPT = `#!/bin/sh
set -e
if [ -d /run/systemd/system ] && [ -z "\${DPKG_ROOT:-}" ]; then
  systemctl --system daemon-reload >/dev/null || true
fi
exit 0
`;

console.log(build());
