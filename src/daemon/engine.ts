/**
 * The seam between the daemon lifecycle (this folder) and the director that drives IPVS and the
 * health checks (src/director). The daemon owns processes, signals, pid file and logging; the
 * engine owns everything about virtual services. The lead wires the real director in through
 * an EngineFactory; until then `idleEngineFactory` keeps the daemon fully functional.
 */
import type { Config } from '../config/model.js';
import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/log.js';
import { DaemonError } from '../util/errors.js';

/** Engine is what the daemon drives: one start, any number of reloads, one stop. */
export interface Engine {
  /** start resolves once the initial LVS table is set up (the daemon reports readiness after it). */
  start(): Promise<void>;
  /** reload swaps in a freshly loaded, valid config (HUP / `reload`). */
  reload(config: Config): Promise<void>;
  /** stop cleans up (cleanstop) and resolves when nothing is left running. */
  stop(): Promise<void>;
  /** A reload was asked for but the new file had errors (metrics: last reload failed). */
  reloadFailed?(): void;
  /**
   * halt, called synchronously when a stop signal arrives, stops the health checks at once; the
   * cleanup follows in stop(). The stop's awaits each need a turn of the event loop, and while
   * checks still run, a starved daemon's turns last seconds: it outlived its stop bound.
   */
  halt?(): void;
}

/** EngineDeps are the handles the daemon passes to the engine it creates. */
export interface EngineDeps {
  readonly logger: Logger;
  readonly clock: Clock;
  /** Where the engine serves `show`/`drain`/`enable` (control.ts); none when absent. */
  readonly controlSocket?: string;
  /** The runtime drain state file (drain-file.ts); drains are not kept when absent. */
  readonly drainFile?: string;
}

/** EngineFactory builds the engine for a loaded config. */
export type EngineFactory = (config: Config, deps: EngineDeps) => Engine;

/**
 * idleEngineFactory returns an engine that touches nothing: it only logs that the IPVS engine
 * is not wired, so the lifecycle (pid file, signals, reload, logging) can run and be tested.
 */
export const idleEngineFactory: EngineFactory = (config, { logger }) => {
  let current = config;
  return {
    async start() {
      logger.info(`IPVS engine not wired: idle engine for ${current.file} (${current.virtuals.length} virtual services)`);
    },
    async reload(next) {
      current = next;
      logger.info(`IPVS engine not wired: idle engine reloaded ${next.file} (${next.virtuals.length} virtual services)`);
    },
    async stop() {
      logger.info('IPVS engine not wired: idle engine stopped');
    },
  };
};

/**
 * lazyEngineFactory defers loading the module that builds the real engine until a daemon starts
 * it: the `ldirectord start` process, which only validates and spawns, then never loads the
 * director, the checks or the IPVS driver (in the kernel lab, each module graph loaded costs
 * start-up seconds). A failed import becomes a start error like any other.
 */
export function lazyEngineFactory(load: () => Promise<EngineFactory>): EngineFactory {
  return (config, deps) => {
    let inner: Engine | undefined;
    return {
      async start() {
        inner = (await load())(config, deps);
        await inner.start();
      },
      async reload(next) {
        if (!inner) throw new DaemonError('LD_ERR_DAEMON', 'engine not started');
        await inner.reload(next);
      },
      async stop() {
        await inner?.stop();
      },
      reloadFailed() {
        inner?.reloadFailed?.();
      },
      halt() {
        inner?.halt?.();
      },
    };
  };
}
