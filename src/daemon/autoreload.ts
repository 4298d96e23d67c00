/**
 * Autoreload (ldirectord L4425-4467): watch the config file; on a content change (the bytes
 * differ; a bare `touch` is not a change) log it, hand the new content to `reload` if autoreload
 * is on (else log " - ignore new configuration"), then run `<callback> <full config path>` if it
 * is executable. The file is read only once it has settled (config-file.ts), so an editor's
 * truncate-then-write is one change with the final content, never an empty or half config.
 * The daemon owns the watcher: it starts it once up, tells it what a HUP loaded, closes it on stop.
 */
import { constants, promises as fsp, readFileSync } from 'node:fs';
import type { ChokidarOptions } from 'chokidar';
import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/log.js';
import type { ConfigRead } from './config-file.js';

export interface AutoreloadOptions {
  /** Absolute path of the config file (the callback gets exactly this). */
  readonly file: string;
  readonly logger: Logger;
  readonly clock: Clock;
  /** Read at each change, so a reload that turns autoreload off takes effect. */
  readonly autoreload: () => boolean;
  /** reload applies this content (the daemon queues it like HUP); resolves when done. */
  readonly reload: (content: Buffer) => Promise<void>;
  /** read is the settled read of the file; the signal is aborted by close(). */
  readonly read: (signal: AbortSignal) => Promise<ConfigRead>;
  readonly callback?: () => string | undefined;
  readonly exec: (argv: readonly string[]) => Promise<number>;
  /** Poll instead of inotify (tests on odd filesystems); default false. */
  readonly usePolling?: boolean;
  /** The file watcher (default chokidar's `watch`); tests pass a fake to drive its events. */
  readonly watch?: (file: string, opts: ChokidarOptions) => FileWatcher;
}

/** FileWatcher is the part of chokidar's FSWatcher used here. */
export interface FileWatcher {
  // chokidar types each event's arguments differently; this module reads none of them.
  on(event: string, fn: (...args: unknown[]) => void): unknown;
  once(event: string, fn: () => void): unknown;
  close(): Promise<void>;
}

/** ConfigWatcher is a running watch. */
export interface ConfigWatcher {
  /** check runs the change test by hand (after any queued one) and returns whether it changed. */
  check(): Promise<boolean>;
  /** loaded records content the daemon loaded itself (HUP), so it is not reloaded again. */
  loaded(content: Buffer): void;
  close(): Promise<void>;
  /** Resolves when the watcher is ready. */
  readonly ready: Promise<void>;
}

/**
 * watchConfig starts watching `file`. The first content is read now, synchronously (one small
 * file; the asynchronous read it replaced cost 0.15-0.19 s of a daemon's start in the kernel lab,
 * most likely libuv starting its worker threads for the first file operation).
 */
export async function watchConfig(o: AutoreloadOptions): Promise<ConfigWatcher> {
  let seen: Buffer | undefined;
  try { seen = readFileSync(o.file); } catch { seen = undefined; }
  const abort = new AbortController();
  let closed = false;
  let missingLogged = false;

  const runCallback = async (): Promise<void> => {
    const cb = o.callback?.();
    if (!cb || !(await fsp.access(cb, constants.X_OK).then(() => true, () => false))) return;
    // Not awaited by the change test: a callback that hangs must never hold up the next change
    // or the daemon's stop (the original ran it with system() and blocked everything).
    void o.exec([cb, o.file]).then((code) => { if (code !== 0) o.logger.error(`callback ${cb} exited with ${code}`); });
  };

  const test = async (): Promise<boolean> => {
    const r = await o.read(abort.signal);
    if (r.kind === 'aborted') return false;
    if (r.kind === 'missing') {
      // Deleted (maybe to be recreated): keep the running config; the 'add' event comes back here.
      if (!missingLogged) o.logger.info(`Configuration file '${o.file}' is missing (${r.reason}): keeping the running configuration`);
      missingLogged = true;
      return false;
    }
    missingLogged = false;
    if (r.kind === 'unsettled') {
      o.logger.error(`Configuration file '${o.file}' did not stop changing: not reloaded, keeping the running configuration`);
      return false;
    }
    if (seen !== undefined && r.content.equals(seen)) return false;
    seen = r.content;
    o.logger.info(`Configuration file '${o.file}' has changed on disk`);
    if (o.autoreload()) {
      try { await o.reload(r.content); } catch (e) { o.logger.error(`reload failed: ${e instanceof Error ? e.message : String(e)}`); }
    } else {
      o.logger.info(' - ignore new configuration');
    }
    await runCallback();
    return true;
  };

  // Serialise (two reloads never run at once) and coalesce: events that arrive while a test is
  // queued share it; one arriving while a test runs queues exactly one more.
  let chain: Promise<unknown> = Promise.resolve();
  let queued: Promise<boolean> | undefined;
  const check = (): Promise<boolean> => {
    if (queued) return queued;
    const run = chain.then(() => { queued = undefined; return closed ? false : test(); });
    queued = run;
    chain = run.catch(() => false);
    return run;
  };
  // chokidar throttles change events, so the last write of an edit can go unseen: look once
  // more shortly after every detected change.
  const recheck = (changed: boolean): void => {
    if (changed && !closed) o.clock.setTimeout(() => { if (!closed) void check().then(recheck); }, 500);
  };
  const onEvent = (): void => { void check().then(recheck); };

  // chokidar is loaded and set up after this returns, so a daemon can report readiness without
  // waiting for it (`ready` says when it watches).
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
    w.on('change', onEvent);
    w.on('add', onEvent);
    w.on('unlink', onEvent);
    return w;
  };
  const created = create();
  const ready = created.then((w) => (w ? new Promise<void>((resolve) => w.once('ready', () => resolve())) : undefined));
  const close = async (): Promise<void> => {
    closed = true;
    abort.abort();
    await created.catch(() => {});
    await watcher?.close();
    await chain;
  };
  return { check, loaded: (content) => { seen = content; }, ready, close };
}
