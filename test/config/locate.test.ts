// resolveConfigPath: the §1.1 lookup order plus NAME.cf, with injectable directories.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveConfigPath } from '../../src/config/index.js';

async function tree(files: string[]): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'ldloc-'));
  for (const d of ['ha.d/conf', 'cwd']) await mkdir(join(root, d), { recursive: true });
  for (const f of files) await writeFile(join(root, f), '# cf\n');
  return root;
}

const CASES: { desc: string; files: string[]; arg: string; want: string | undefined }[] = [
  { desc: 'ha.d first', files: ['ha.d/www', 'ha.d/conf/www', 'cwd/www'], arg: 'www', want: 'ha.d/www' },
  { desc: 'then ha.d/conf', files: ['ha.d/conf/www', 'cwd/www'], arg: 'www', want: 'ha.d/conf/www' },
  { desc: 'then ./NAME', files: ['cwd/www'], arg: 'www', want: 'cwd/www' },
  { desc: 'exact name beats NAME.cf anywhere', files: ['ha.d/www.cf', 'cwd/www'], arg: 'www', want: 'cwd/www' },
  { desc: 'then NAME.cf in ha.d', files: ['ha.d/www.cf', 'ha.d/conf/www.cf'], arg: 'www', want: 'ha.d/www.cf' },
  { desc: 'then NAME.cf in ha.d/conf', files: ['ha.d/conf/www.cf', 'cwd/www.cf'], arg: 'www', want: 'ha.d/conf/www.cf' },
  { desc: 'then ./NAME.cf', files: ['cwd/www.cf'], arg: 'www', want: 'cwd/www.cf' },
  { desc: 'a name ending in .cf gets no second suffix', files: ['cwd/ldirectord.cf'], arg: 'ldirectord.cf', want: 'cwd/ldirectord.cf' },
  { desc: 'relative path with a directory', files: ['cwd/www'], arg: './www', want: 'cwd/www' },
  { desc: 'not found', files: ['cwd/other'], arg: 'www', want: undefined },
  { desc: 'a directory does not count', files: [], arg: 'conf', want: undefined },
];

for (const c of CASES) {
  test(`resolveConfigPath: ${c.desc}`, async () => {
    const root = await tree(c.files);
    try {
      const got = resolveConfigPath(c.arg, { confDirs: [join(root, 'ha.d'), join(root, 'ha.d/conf')], cwd: join(root, 'cwd') });
      assert.equal(got, c.want === undefined ? undefined : join(root, c.want));
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
}

test('resolveConfigPath: absolute paths are used as given', async () => {
  const root = await tree(['cwd/abs.cf', 'ha.d/abs.cf']);
  try {
    const abs = join(root, 'cwd/abs.cf');
    assert.equal(resolveConfigPath(abs, { confDirs: [join(root, 'ha.d')] }), abs);
    assert.equal(resolveConfigPath(join(root, 'cwd/none.cf'), { confDirs: [join(root, 'ha.d')] }), undefined);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
