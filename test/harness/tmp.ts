/** Throwaway directories for server configs, certificates and logs. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** TempDir is a fresh directory under the OS temp dir; remove() deletes it recursively. */
export interface TempDir {
  readonly path: string;
  join(...parts: string[]): string;
  remove(): void;
}

/** makeTempDir creates a directory named `ld-<prefix>-XXXXXX`. */
export function makeTempDir(prefix: string): TempDir {
  const path = mkdtempSync(join(tmpdir(), `ld-${prefix}-`));
  return {
    path,
    join: (...parts) => join(path, ...parts),
    remove: () => rmSync(path, { recursive: true, force: true }),
  };
}
