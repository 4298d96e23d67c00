/**
 * Autoreload (ldirectord L4425-4467): watch the config file; on a content change (the MD5
 * differs; a bare `touch` is not a change) log it, call `reload` if autoreload is on (else log
 * " - ignore new configuration"), then run `<callback> <full config path>` if it is executable.
 * The daemon supplies `reload` (re-parse, then director.reload) and closes the watcher on stop.
 */
import { createHash } from 'node:crypto';
import { constants, promises as fsp } from 'node:fs';
import { watch, type ChokidarOptions } from 'chokidar';
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

async function md5(file: string): Promise<string | undefined> {
  try { return createHash('md5').update(await fsp.readFile(file)).digest('hex'); } catch { return undefined; }
}

/** watchConfig starts watching `file`; the first digest is taken now. */
export async function watchConfig(o: AutoreloadOptions): Promise<ConfigWatcher> {
  let digest = await md5(o.file);
  let chain: Promise<boolean> = Promise.resolve(false);
  const exec = o.exec ?? spawnExec;
  const clock = o.clock ?? systemClock();

  const test = async (): Promise<boolean> => {
    const now = await md5(o.file);
    if (now === undefined || now === digest) return false;
    digest = now;
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

  const watcher = (o.watch ?? watch)(o.file, { persistent: true, ignoreInitial: true, usePolling: o.usePolling ?? false, interval: 200, atomic: true });
  // An 'error' event without a listener is thrown: inotify's ENOSPC would crash the daemon.
  watcher.on('error', (e: unknown) => {
    o.logger.error(`Can not watch configuration file '${o.file}': ${e instanceof Error ? e.message : String(e)}`);
  });
  watcher.on('change', () => { void check().then(recheck); });
  watcher.on('add', () => { void check().then(recheck); });
  const ready = new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
  return { check, ready, close: async () => { closed = true; await watcher.close(); await chain.catch(() => {}); } };
}
