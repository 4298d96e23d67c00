/** Our version, from package.json (dist/src/util -> the package root). */
import { readFileSync } from 'node:fs';

/** packageVersion reads the version field; 'unknown' when package.json is not where it belongs. */
export function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}
