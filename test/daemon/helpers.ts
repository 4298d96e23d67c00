/** Test doubles for the daemon: a manual clock, a fake process host, a recording engine. */
import { pollUntil } from '../harness/wait.js';
import { EventEmitter } from 'node:events';
import type { Config, LoadResult } from '../../src/config/model.js';
import type { Clock, TimerHandle } from '../../src/util/clock.js';
import type { Engine } from '../../src/daemon/engine.js';

/** manualClock never fires timers on its own (so nothing keeps the test process alive). */
export function manualClock(): Clock & { timers: Map<number, () => void> } {
  let next = 0;
  const timers = new Map<number, () => void>();
  return {
    timers,
    now: () => Date.UTC(2026, 10, 25, 2, 3, 13),
    monotonic: () => 0,
    setTimeout: (fn) => { const id = ++next; timers.set(id, fn); return { id }; },
    clearTimeout: (h: TimerHandle) => { timers.delete(h.id as number); },
  };
}

/** FakeHost is a process stand-in: emit signals with `signal(name)`, read `exits`. */
export class FakeHost extends EventEmitter {
  readonly pid: number;
  readonly exits: number[] = [];
  constructor(pid = process.pid) {
    super();
    this.pid = pid;
  }
  override on(signal: string, fn: () => void): this {
    return super.on(signal, fn);
  }
  exit(code: number): void {
    this.exits.push(code);
  }
  signal(name: string): void {
    this.emit(name);
  }
}

/** recordingEngine logs its calls; `gate` makes start wait until released. */
export function recordingEngine(opts: { failStart?: string; gate?: Promise<void> } = {}): Engine & { calls: string[]; configs: Config[] } {
  const calls: string[] = [];
  const configs: Config[] = [];
  return {
    calls,
    configs,
    async start() {
      calls.push('start');
      if (opts.gate) await opts.gate;
      if (opts.failStart) throw new Error(opts.failStart);
    },
    async reload(c) { calls.push('reload'); configs.push(c); },
    async stop() { calls.push('stop'); },
  };
}

/** config builds a minimal Config for the daemon (it reads file, name and some globals). */
export function config(file: string, global: Partial<Config['global']> = {}): Config {
  return {
    file,
    name: 'www',
    global: {
      checkinterval: 10, autoreload: false, logfile: '/dev/null', execute: [], fork: false, supervised: false,
      quiescent: false, readdquiescent: false, cleanstop: true, fallbackcommandonstop: false, maxchecks: 1000, maxresponsebytes: 1048576,
      ...global,
    },
    virtuals: [],
  };
}

/** loader returns the queued results in order (the last one repeats). */
export function loader(results: LoadResult[]): (file: string) => Promise<LoadResult> {
  return async () => (results.length > 1 ? results.shift()! : results[0]!);
}

/** settle lets queued promise chains run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
}

/** waitFor polls `pred` every 20 ms until true or the deadline. */
export function waitFor(pred: () => boolean, timeoutMs = 5000): Promise<boolean> {
  return pollUntil(pred, timeoutMs, 20);
}
