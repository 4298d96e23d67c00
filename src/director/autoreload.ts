/**
 * Autoreload (ldirectord L4425-4467): watch the config file; on a content change (the bytes
 * differ; a bare `touch` is not a change) log it, call `reload` if autoreload is on (else log
 * " - ignore new configuration"), then run `<callback> <full config path>` if it is executable.
 * The daemon supplies `reload` (re-parse, then director.reload) and closes the watcher on stop.
 */
import { constants, promises as fsp, readFileSync } from 'node:fs';
import type { ChokidarOptions } from 'chokidar';
import { systemClock, type Clock } from '../util/clock.js';
import type { Logger } from '../util/log.js';
import { spawnExec } from './exec.js';

export interface AutoreloadOptions {
  /** Absolute path of the config file (the callback gets exactly this). */
  readonly file: string;
  readonly logger: Logger;
  /** Read at each change, so a reload that turns autoreload off takes effect. */
  readonly autoreload: () => boolean;
  readonly reload: () => Promise<void>;
  readonly callback?: () => string | undefined;
  readonly exec?: (argv: readonly string[]) => Promise<number>;
  /** Clock for the follow-up check after a change (default: the system clock). */
  readonly clock?: Clock;
  /** Poll instead of inotify (tests on odd filesystems); default false. */
  readonly usePolling?: boolean;
  /** The file watcher (default chokidar's `watch`); tests pass a fake to drive its events. */
  readonly watch?: (file: string, opts: ChokidarOptions) => FileWatcher;
}

/** FileWatcher is the part of chokidar's FSWatcher used here. */
export interface FileWatcher {
  // any: chokidar types each event's arguments differently.
  on(event: string, fn: (...args: any[]) => void): unknown;
  once(event: string, fn: () => void): unknown;
  close(): Promise<void>;
}

/** ConfigWatcher is a running watch; `check()` runs the same test by hand (and returns whether it changed). */
export interface ConfigWatcher {
  check(): Promise<boolean>;
  close(): Promise<void>;
  /** Resolves when the watcher is ready. */
  readonly ready: Promise<void>;
}

/**
 * The original compares MD5 sums; comparing the bytes themselves gives the same answer with no
 * hashing (config files are kilobytes, so keeping the last content costs nothing). The first
 * read at start-up is synchronous: the asynchronous read and hash it replaced took 0.15-0.19 s of
 * a daemon's start in the kernel lab, most likely libuv starting its worker threads for the first
 * file operation, since the director has already used the hash functions by then.
 */
async function content(file: string): Promise<Buffer | undefined> {
  try { return await fsp.readFile(file); } catch { return undefined; }
}

function contentSync(file: string): Buffer | undefined {
  try { return readFileSync(file); } catch { return undefined; }
}

/** watchConfig starts watching `file`; the first content is read now (synchronously: one small file). */
export async function watchConfig(o: AutoreloadOptions): Promise<ConfigWatcher> {
  let seen = contentSync(o.file);
  let chain: Promise<boolean> = Promise.resolve(false);
  const exec = o.exec ?? spawnExec;
  const clock = o.clock ?? systemClock();

  const test = async (): Promise<boolean> => {
    const now = await content(o.file);
    if (now === undefined || (seen !== undefined && now.equals(seen))) return false;
    seen = now;
    o.logger.info(`Configuration file '${o.file}' has changed on disk`);
    if (o.autoreload()) {
      try { await o.reload(); } catch (e) { o.logger.error(`reload failed: ${e instanceof Error ? e.message : String(e)}`); }
    } else {
      o.logger.info(' - ignore new configuration');
    }
    const cb = o.callback?.();
    if (cb) {
      const ok = await fsp.access(cb, constants.X_OK).then(() => true, () => false);
      if (ok) {
        const code = await exec([cb, o.file]);
        if (code !== 0) o.logger.error(`callback ${cb} exited with ${code}`);
      }
    }
    return true;
  };
  // Serialise: two events in a row must not run two reloads at once.
  const check = (): Promise<boolean> => (chain = chain.then(test, test));
  // chokidar throttles change events, so a second write right after a first can go unseen:
  // look once more shortly after every detected change.
  let closed = false;
  const recheck = (changed: boolean): void => {
    if (changed && !closed) clock.setTimeout(() => { if (!closed) void check().then(recheck); }, 500);
  };

  // The content above is read before this returns; chokidar is loaded and set up afterwards, so
  // a daemon can report readiness without waiting for it (`ready` says when it watches).
  let watcher: FileWatcher | undefined;
  const create = async (): Promise<FileWatcher | undefined> => {
    const watch = o.watch ?? (await import('chokidar')).watch;
    if (closed) return undefined;
    const w = watch(o.file, { persistent: true, ignoreInitial: true, usePolling: o.usePolling ?? false, interval: 200, atomic: true });
    watcher = w;
    // An 'error' event without a listener is thrown: inotify's ENOSPC would crash the daemon.
    w.on('error', (e: unknown) => {
      o.logger.error(`Can not watch configuration file '${o.file}': ${e instanceof Error ? e.message : String(e)}`);
    });
    w.on('change', () => { void check().then(recheck); });
    w.on('add', () => { void check().then(recheck); });
    return w;
  };
  const created = create();
  const ready = created.then((w) => (w ? new Promise<void>((resolve) => w.once('ready', () => resolve())) : undefined));
  const close = async (): Promise<void> => {
    closed = true;
    await created.catch(() => {});
    await watcher?.close();
    await chain.catch(() => {});
  };
  return { check, ready, close };
}
