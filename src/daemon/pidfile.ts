/**
 * The pid file `<dir>/ldirectord.<CFGNAME>.pid` (ldirectord L1023-1098): what `status`, `stop`,
 * `reload` and the OCF agent read to find the daemon.
 *
 * Unlike the original's plain open(">..."), the file is never written through a symlink: the pid
 * goes into a fresh temp file created with O_EXCL|O_NOFOLLOW in the same directory, which is then
 * hard-linked into place. link(2) fails with EEXIST if anything (file or symlink) is already
 * there, so two racing starts cannot both win, and a symlink planted at the pid path is refused.
 */
import { closeSync, constants, linkSync, lstatSync, openSync, readSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { DaemonError } from '../util/errors.js';
import { isLdirectordPid } from './proc.js';

/** pidFilePath is `<dir>/ldirectord.<name>.pid`. */
export function pidFilePath(dir: string, name: string): string {
  return join(dir, `ldirectord.${name}.pid`);
}

/** PidState is what a pid file says about its daemon. */
export type PidState =
  | { readonly kind: 'absent' }
  | { readonly kind: 'running'; readonly pid: number }
  /** The file exists but names no running ldirectord (pid undefined: unparsable content). */
  | { readonly kind: 'stale'; readonly pid?: number }
  | { readonly kind: 'symlink' };

/** readPid reads the pid a pid file holds without following a symlink. */
function readPid(path: string): { kind: 'absent' } | { kind: 'symlink' } | { kind: 'pid'; pid?: number } {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { kind: 'absent' };
    if (code === 'ELOOP') return { kind: 'symlink' };
    throw new DaemonError('LD_ERR_PIDFILE', `Can not read pid file ${path}: ${code ?? (e as Error).message}`, { cause: e });
  }
  try {
    const buf = Buffer.alloc(64);
    const n = readSync(fd, buf, 0, buf.length, 0);
    const m = /^\s*(\d+)/.exec(buf.subarray(0, n).toString('latin1'));
    return { kind: 'pid', pid: m ? Number(m[1]) : undefined };
  } finally {
    closeSync(fd);
  }
}

/** probePidFile classifies the pid file at `path`. */
export function probePidFile(path: string, isRunning: (pid: number) => boolean = isLdirectordPid): PidState {
  const r = readPid(path);
  if (r.kind !== 'pid') return r;
  if (r.pid !== undefined && isRunning(r.pid)) return { kind: 'running', pid: r.pid };
  return { kind: 'stale', pid: r.pid };
}

/**
 * writePidFile publishes `pid` at `path`. A stale file is replaced; a running daemon's file or a
 * symlink is an LD_ERR_PIDFILE error. A file that names `pid` itself or `takeOverFrom` (the
 * `start` that spawned this daemon and holds the file meanwhile) is replaced in one rename, so a
 * `stop` never finds the file missing during the hand-over.
 */
export function writePidFile(path: string, pid: number, isRunning: (pid: number) => boolean = isLdirectordPid, takeOverFrom?: number): void {
  const tmp = join(dirname(path), `.${basename(path)}.${pid}.tmp`);
  let fd: number;
  try {
    fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o644);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new DaemonError('LD_ERR_PIDFILE', `Can not open ${path}: ${code ?? (e as Error).message}`, { cause: e });
  }
  try {
    try {
      writeSync(fd, `${pid}\n`);
    } finally {
      closeSync(fd);
    }
    for (let attempt = 0; ; attempt++) {
      try {
        linkSync(tmp, path);
        return;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) {
          throw new DaemonError('LD_ERR_PIDFILE', `Can not create ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { cause: e });
        }
      }
      const state = probePidFile(path, isRunning);
      if (state.kind === 'symlink' || isSymlink(path)) {
        throw new DaemonError('LD_ERR_PIDFILE', `Refusing to use pid file ${path}: it is a symbolic link`);
      }
      if (state.kind === 'running' && (state.pid === pid || state.pid === takeOverFrom)) {
        renameSync(tmp, path);
        return;
      }
      if (state.kind === 'running') {
        throw new DaemonError('LD_ERR_PIDFILE', `ldirectord is already running with pid ${state.pid} (${path})`);
      }
      removeQuietly(path);
    }
  } finally {
    removeQuietly(tmp);
  }
}

/** removePidFile deletes the pid file only if it still names `pid` (never another daemon's). */
export function removePidFile(path: string, pid: number): boolean {
  let r: ReturnType<typeof readPid>;
  try {
    r = readPid(path);
  } catch {
    return false;
  }
  if (r.kind !== 'pid' || r.pid !== pid) return false;
  return removeQuietly(path);
}

/** isSymlink is lstat-based (a dangling symlink counts). */
export function isSymlink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

function removeQuietly(path: string): boolean {
  try {
    unlinkSync(path);
    return true;
  } catch {
    return false;
  }
}
