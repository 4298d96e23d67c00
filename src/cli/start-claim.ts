/**
 * The pid file a `start` holds from before it loads the config until its daemon takes the file
 * over (docs/cli.md, "Stop during start"). Loading can take seconds (names to resolve, a large
 * config); a `stop` that came in that time used to find no pid file, answer 0, and the daemon
 * came up afterwards. Now it finds this `start`, which records the signal, does not spawn the
 * daemon (or passes the stop on to it) and exits 1.
 *
 * Only a missing pid file is claimed: a stale one stays as it is until the daemon replaces it,
 * so a `start` that fails on a broken config leaves it for `stop` to clean up after the dead
 * daemon, as before.
 */
import { STOP_SIGNALS } from '../daemon/daemon.js';
import { probePidFile, removePidFile, writePidFile } from '../daemon/pidfile.js';

/** SignalHost: the process's stop signals (injected so tests need no real signals). */
export interface SignalHost {
  on(sig: NodeJS.Signals, fn: () => void): void;
  off(sig: NodeJS.Signals, fn: () => void): void;
}

export const processSignals: SignalHost = {
  on: (sig, fn) => { process.on(sig, fn); },
  off: (sig, fn) => { process.off(sig, fn); },
};

/** StartClaim: the stop signal received while starting, and who to pass it on to. */
export class StartClaim {
  private signal: NodeJS.Signals | undefined;
  private forward: (() => void) | undefined;
  private readonly handlers = new Map<NodeJS.Signals, () => void>();
  /** holdsFile: this `start` wrote the pid file (it was missing). */
  private holdsFile = false;

  constructor(private readonly pidFile: string, private readonly pid: number, private readonly host: SignalHost = processSignals) {
    for (const sig of STOP_SIGNALS) {
      const fn = (): void => {
        if (this.signal) return;
        this.signal = sig;
        this.forward?.();
      };
      this.handlers.set(sig, fn);
      host.on(sig, fn);
    }
  }

  /**
   * claimFile writes the pid file naming this `start` if there is none. A running daemon's, a
   * stale or a symlinked file is left alone: the action matrix reports on it afterwards.
   */
  claimFile(): void {
    try {
      if (probePidFile(this.pidFile).kind !== 'absent') return;
      writePidFile(this.pidFile, this.pid);
      this.holdsFile = true;
    } catch {
      // An unwritable directory: the daemon's own write reports it, with the reason.
    }
  }

  /** stopSignal is the stop signal received so far, if any. */
  get stopSignal(): NodeJS.Signals | undefined { return this.signal; }

  /** onStop runs `fn` on a stop signal from now on, and at once if one already came. */
  onStop(fn: () => void): void {
    this.forward = fn;
    if (this.signal) fn();
  }

  /**
   * release drops the signal handlers (a foreground daemon installs its own) and the pid file
   * while it still names this `start`; never a file the daemon has taken over.
   */
  release(): void {
    for (const [sig, fn] of this.handlers) this.host.off(sig, fn);
    this.handlers.clear();
    if (this.holdsFile) removePidFile(this.pidFile, this.pid);
    this.holdsFile = false;
  }
}
