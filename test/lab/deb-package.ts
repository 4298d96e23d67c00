/**
 * The Debian package the cluster-manager tests and the cluster benchmark install in the guest
 * (test/kernel/cluster/package.ts): built from the checkout when dist/pkg has none newer than the
 * bundle.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** ensurePackage returns the path of an up-to-date .deb for the checkout at `root`, building it if needed. */
export function ensurePackage(root: string): string {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
  const arch = execFileSync('dpkg', ['--print-architecture'], { encoding: 'utf8' }).trim();
  const deb = join(root, 'dist/pkg', `ldirectord-node_${pkg.version}_${arch}.deb`);
  const mtime = (p: string): number => (existsSync(p) ? statSync(p).mtimeMs : -1);
  if (mtime(deb) < mtime(join(root, 'dist/bundle/cli/main.js'))) {
    console.log('kernel lab: building the Debian package for the cluster-manager tests');
    execFileSync(process.execPath, [join(root, 'packaging/build-deb.mjs'), '--out', join(root, 'dist/pkg')], { stdio: ['ignore', 'ignore', 'inherit'] });
  }
  return deb;
}
