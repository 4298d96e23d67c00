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

    return {
      get director() { return director; },
      async start() {
        ipvs = await openHandle();
        await preloadChecks(checksUsedBy(config));
        director = createDirector(config, { ipvs, clock: deps.clock, logger: deps.logger, runCheck });
        await director.start();
      },
      async reload(next: Config) {
        if (!director) throw new Error('engine not started');
        await preloadChecks(checksUsedBy(next));
        await director.reload(next);
        config = next;
      },
      async stop() {
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
