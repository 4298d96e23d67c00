/**
 * Appending to a file the daemon (root) writes by name - the log file, a monitorfile - without
 * following a symlink in the last component. A symlink planted in a writable directory (/tmp,
 * a shared log directory) would otherwise make root append to, or create, any file it points at
 * (the original's open(">>...") follows it; so did appendFile). O_NOFOLLOW makes open(2) fail
 * with ELOOP on a symlink, dangling or not, so nothing is written or created through one.
 */
import { closeSync, constants, openSync, writeSync, promises as fsp } from 'node:fs';

const FLAGS = constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW;

/** reason turns an open/write failure into text; ELOOP names the symlink refusal. */
export function appendFailure(e: unknown): string {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ELOOP') return 'it is a symbolic link, refused (a symlink there could redirect root\'s writes)';
  return code ?? (e instanceof Error ? e.message : String(e));
}

/** appendNoFollowSync appends data; throws the open/write error (ELOOP for a symlink). */
export function appendNoFollowSync(path: string, data: string, mode = 0o644): void {
  const fd = openSync(path, FLAGS, mode);
  try {
    writeSync(fd, data);
  } finally {
    closeSync(fd);
  }
}

/** appendNoFollow is the asynchronous appendNoFollowSync. */
export async function appendNoFollow(path: string, data: string, mode = 0o644): Promise<void> {
  const fh = await fsp.open(path, FLAGS, mode);
  try {
    await fh.write(data);
  } finally {
    await fh.close();
  }
}
