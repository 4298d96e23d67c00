/**
 * metricsEndpoint keeps the /metrics server in line with the config's `metrics=` directive
 * across start, reload and stop: started when set, moved when the address changes, closed when
 * removed. A failure to listen is logged and the daemon runs on without metrics: health
 * checking matters more than its view.
 */
import type { MetricsListen } from '../config/metrics-directive.js';
import type { Logger } from '../util/log.js';
import { serveMetrics, type MetricsServer, type RenderScrape } from './metrics-server.js';
import { hostPort } from '../util/address.js';

export interface MetricsEndpoint {
  /** sync makes the server match `want` (undefined = off). */
  sync(want: MetricsListen | undefined): Promise<void>;
}

const same = (a: MetricsListen | undefined, b: MetricsListen | undefined): boolean =>
  a?.address === b?.address && a?.port === b?.port;

const where = (l: MetricsListen): string => hostPort(undefined, l.address, l.port);

export function metricsEndpoint(logger: Logger, render: RenderScrape): MetricsEndpoint {
  let server: MetricsServer | undefined;
  let current: MetricsListen | undefined;
  return {
    async sync(want) {
      if (same(want, current)) return;
      // Set only once listening: a failed address is tried again by the next reload.
      current = undefined;
      if (server) {
        await server.close();
        logger.info(`Stopped serving metrics on ${where(server.listen)}`);
        server = undefined;
      }
      if (!want) return;
      try {
        server = await serveMetrics(want, render, logger);
        current = want;
        logger.info(`Serving Prometheus metrics on http://${where(want)}/metrics`);
      } catch (e) {
        logger.error(`Can not serve metrics on ${where(want)}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      }
    },
  };
}
