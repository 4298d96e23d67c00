/**
 * The drain state file `<piddir>/ldirectord.<CFGNAME>.drain.json` (drain.ts holds its layout).
 * Written atomically: a temp file in the same directory, fsync'd, renamed over the old one, so a
 * crash leaves either the old list or the new one, never half of one.
 */
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, unlinkSync, writeSync, constants } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { decodeDrains, encodeDrains, type DrainRecord } from '../director/drain.js';
import type { DrainStore } from '../director/types.js';
import { DaemonError } from '../util/errors.js';
import type { Logger } from '../util/log.js';

/** drainFilePath names the state file of a config. */
export function drainFilePath(dir: string, name: string): string {
  return join(dir, `ldirectord.${name}.drain.json`);
}

/** writeAtomic replaces `path` with `text` (mode 0600). */
export function writeAtomic(path: string, text: string): void {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    const fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW, 0o600);
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (e) {
    try { unlinkSync(tmp); } catch { /* not created */ }
    throw new DaemonError('LD_ERR_STATE', `Can not write ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { cause: e });
  }
}

/**
 * drainFileStore: load reads the file (absent = no drains; unreadable = logged, no drains, and the
 * file is left for the admin); save writes it, or removes it when the list is empty.
 */
export function drainFileStore(path: string, logger: Logger): DrainStore {
  return {
    load(): DrainRecord[] {
      let text: string;
      try {
        text = readFileSync(path, 'utf8');
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
        logger.error(`Can not read drain state ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}: starting with no drained real`);
        return [];
      }
      try {
        const list = decodeDrains(text);
        for (const d of list) logger.info(`Real server ${d.target} stays drained (since ${new Date(d.since).toISOString()}): ${d.reason}`);
        return list;
      } catch (e) {
        logger.error(`Ignoring drain state ${path}: ${(e as Error).message}`);
        return [];
      }
    },
    async save(records) {
      if (records.length > 0) { writeAtomic(path, encodeDrains(records)); return; }
      try { unlinkSync(path); } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw new DaemonError('LD_ERR_STATE', `Can not remove ${path}: ${(e as Error).message}`);
      }
    },
  };
}
