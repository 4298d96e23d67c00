/**
 * directorEngineFactory wires the real engine into the daemon: it opens the IPVS generic-netlink
 * handle and builds the director with the real health checks (the daemon watches the config).
 * The handle is opened in start() (not in the factory) so an unavailable IPVS becomes a start
 * error the `start` command reports, not a crash.
 */
import { preloadChecks } from '../checks/registry.js';
import { runCheck } from '../checks/run.js';
import type { CheckKind } from '../checks/types.js';
import type { Config, ServiceName } from '../config/model.js';
import { createDirector, type Director } from '../director/index.js';
import { openIpvs } from '../ipvs/index.js';
import type { IpvsHandle } from '../ipvs/types.js';
import type { Engine, EngineDeps, EngineFactory } from './engine.js';
import { serveControl, type ControlServer } from './control.js';
import { controlHandler } from './control-handler.js';
import { drainFileStore } from './drain-file.js';
import { metricsEndpoint } from './metrics-endpoint.js';
import { CheckHistogram } from '../director/metrics.js';
import { packageVersion } from '../util/version.js';
import { DaemonError } from '../util/errors.js';

/** WiredEngine is the Engine plus the running director, for status and metrics. */
export interface WiredEngine extends Engine {
  /** The director, once started (undefined before start and after stop). */
  readonly director: Director | undefined;
}

/** directorEngineFactory: `openHandle` is the IPVS seam (tests pass the memory double). */
export function directorEngineFactory(
  openHandle: () => Promise<IpvsHandle> = () => openIpvs(),
): EngineFactory {
  return (initial: Config, deps: EngineDeps): WiredEngine => {
    let config = initial;
    let ipvs: IpvsHandle | undefined;
    let director: Director | undefined;
    let control: ControlServer | undefined;
    // The histogram is fed whether or not metrics are on: one bucket search per check, so a
    // reload that turns metrics on shows durations from the start.
    const histogram = new CheckHistogram();
    const version = packageVersion();
    const reloads = { lastOk: true, lastOkAt: 0, succeeded: 0, failed: 0 };
    const metrics = metricsEndpoint(deps.logger, (sink, lag) => director?.metrics(sink, {
      config: config.name, version, reload: reloads, loopLag: lag, histogram,
    }));


    return {
      get director() { return director; },
      reloadFailed() { reloads.failed++; reloads.lastOk = false; },
      halt() { director?.halt(); },
      async start() {
        ipvs = await openHandle();
        await preloadChecks(checksUsedBy(config));
        director = createDirector(config, {
          ipvs, clock: deps.clock, logger: deps.logger, runCheck,
          ...(deps.drainFile ? { drainStore: drainFileStore(deps.drainFile, deps.logger) } : {}),
          options: { onCheckDone: (check, ms) => histogram.observe(check, ms / 1000) },
        });
        await director.start();
        reloads.lastOkAt = deps.clock.now();
        control = await openControl(deps, () => director);
        await metrics.sync(config.global.metrics);
      },
      async reload(next: Config) {
        if (!director) throw new DaemonError('LD_ERR_DAEMON', 'engine not started');
        await preloadChecks(checksUsedBy(next));
        try {
          await director.reload(next);
        } catch (e) {
          reloads.failed++;
          reloads.lastOk = false;
          throw e;
        }
        config = next;
        reloads.succeeded++;
        reloads.lastOk = true;
        reloads.lastOkAt = deps.clock.now();
        await metrics.sync(config.global.metrics);
      },
      async stop() {
        await metrics.sync(undefined);
        await control?.close();
        control = undefined;
        try {
          await director?.stop();
        } finally {
          director = undefined;
          await ipvs?.close();
          ipvs = undefined;
        }
      },
    };
  };
}

/** checksUsedBy lists the check kinds and services a config's virtuals can run. */
export function checksUsedBy(config: Config): { kinds: Set<Exclude<CheckKind, 'negotiate'>>; services: Set<ServiceName> } {
  const kinds = new Set<Exclude<CheckKind, 'negotiate'>>();
  const services = new Set<ServiceName>();
  for (const v of config.virtuals) {
    const k = v.checktype.kind;
    if (k === 'negotiate' || k === 'combined') services.add(v.service);
    if (k === 'combined' || k === 'connect') kinds.add(v.protocol === 'udp' ? 'ping' : 'connect');
    if (k === 'ping' || k === 'external' || k === 'external-perl' || k === 'on' || k === 'off') kinds.add(k);
  }
  return { kinds, services };
}

/**
 * openControl serves the control socket when the daemon gave a path. A socket that cannot be
 * served is logged and the daemon runs on without it: health checking matters more than the view.
 */
async function openControl(deps: EngineDeps, director: () => Director | undefined): Promise<ControlServer | undefined> {
  if (!deps.controlSocket) return undefined;
  try {
    return await serveControl(deps.controlSocket, controlHandler(director), deps.logger);
  } catch (e) {
    deps.logger.error(`No control socket (show, drain, enable will not work): ${e instanceof Error ? e.message : String(e)}`);
    return undefined;
  }
}
