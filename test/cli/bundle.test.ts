/**
 * bin/ldirectord runs the esbuild bundle of the CLI (scripts/postbuild.mjs). The bundle must
 * behave exactly as the compiled sources it is made from.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const bundle = `${root}dist/bundle/cli/main.js`;
const plain = `${root}dist/src/cli/main.js`;

function run(entry: string, args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [entry, ...args], { encoding: 'utf8', env: { ...process.env, LDIRECTORD_ENGINE: 'idle' }, timeout: 30_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test('the build made a bundle', () => {
  assert.ok(existsSync(bundle), `${bundle} is missing: npm run build bundles the CLI`);
});

for (const args of [['--help'], ['--version'], [`${root}examples/www.cf`, 'configtest'], [`${root}examples/mail.cf`, 'configtest'], ['/nonexistent.cf', 'status'], ['-x']]) {
  test(`bundle and sources agree: ldirectord ${args.join(' ').replace(root, '')}`, () => {
    assert.deepEqual(run(bundle, args), run(plain, args));
  });
}
