/**
 * Inline start: `ldirectord [config] start` run through bin/ldirectord's shell part. The shell
 * starts this process in a new session with fd 3 on a pipe and waits for one report on it; this
 * process checks and loads everything as `start` always does, and then, instead of spawning a
 * daemon child (a second Node start-up: 0.6 s in the kernel lab) and waiting for it, becomes the
 * daemon itself: it leaves the caller's stdin/stdout/stderr (reopened on /dev/null, so a caller
 * that reads our output, like the OCF agent, sees end-of-file) and reports on fd 3.
 *
 * The report is the exit code the `start` command must return, then the text it must print on
 * stderr (only for what happens after stdio was left). Every exit of this process before it has
 * reported sends its exit code, so the shell never waits in vain.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { INLINE_START_ENV, READY_FD } from './settings.js';

/** InlineStart is the reporting end of an inline start. */
export interface InlineStart {
  /** report sends the start command's exit code (and a message for its stderr), once. */
  report(code: number, message?: string): void;
  /** detach leaves the caller's stdio and the working directory (the daemon's chdir("/")). */
  detach(): void;
  /**
   * again asks the shell to run the command the ordinary way (a foreground daemon: the
   * configuration says supervised=yes), since this process is already in a session of its own.
   */
  again(): void;
}

/** inlineStart returns the reporting end when this process was started by the shell part. */
export function inlineStart(env: NodeJS.ProcessEnv, action: string): InlineStart | undefined {
  if (env[INLINE_START_ENV] !== String(READY_FD)) return undefined;
  // Not inherited by execute= instances or anything else this daemon starts.
  delete env[INLINE_START_ENV];
  if (action !== 'start') return undefined;
  let reported = false;
  const send = (first: string, message?: string): void => {
    if (reported) return;
    reported = true;
    try {
      writeSync(READY_FD, `${first}\n${message ? `${message}\n` : ''}`);
    } catch {
      // The shell is gone (killed); nothing left to tell.
    }
    try { closeSync(READY_FD); } catch { /* already closed */ }
  };
  const report = (code: number, message?: string): void => send(String(code), message);
  process.on('exit', (code) => report(code));
  return {
    report,
    again: () => send('again'),
    detach() {
      process.chdir('/');
      // Node has no dup2: closing an fd and opening /dev/null takes the lowest free number, which
      // is the one just closed (nothing else runs between the two calls on this thread, and no
      // other thread opens files at this point of the start).
      for (const [fd, flags] of [[0, 'r'], [1, 'w'], [2, 'w']] as const) {
        try {
          closeSync(fd);
          const got = openSync('/dev/null', flags);
          if (got !== fd) closeSync(got);
        } catch {
          // Keep going: a missing /dev/null must not stop the daemon.
        }
      }
    },
  };
}
