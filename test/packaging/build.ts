/**
 * Builds the Debian package once per test process (packaging/build-deb.mjs into a temp dir) and
 * unpacks it; the tests only inspect it (dpkg-deb -c/-I/-x): installing it on the host would
 * remove Debian's Perl ldirectord (Conflicts), which the differential tests need.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** ROOT is the checkout (dist/test/packaging -> ../../..). */
export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** BuiltDeb: the .deb and its unpacked tree. */
export interface BuiltDeb {
  readonly deb: string;
  readonly tree: string;
  readonly dir: string;
  cleanup(): void;
}

/** buildDeb runs the package build (a few minutes at most: npm ci of the production deps). */
export function buildDeb(): BuiltDeb {
  const dir = mkdtempSync(join(tmpdir(), 'ld-debtest-'));
  const out = execFileSync(process.execPath, [join(ROOT, 'packaging/build-deb.mjs'), '--out', join(dir, 'out')], {
    cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], timeout: 600_000,
  });
  const deb = out.trim().split('\n').pop()!;
  const tree = join(dir, 'tree');
  mkdirSync(tree);
  execFileSync('dpkg-deb', ['-x', deb, tree]);
  return { deb, tree, dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
