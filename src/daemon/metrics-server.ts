/**
 * The Prometheus endpoint: GET /metrics on the address of the `metrics=` directive (loopback
 * unless an address is written out). The text is rendered at scrape time by the director into a
 * reused buffer (director/exposition.ts); nothing runs between scrapes but the event-loop delay
 * monitor, which libuv samples on its own timer.
 */
import { createServer, type Server } from 'node:http';
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import type { MetricsListen } from '../config/metrics-directive.js';
import { TextSink } from '../director/exposition.js';
import type { Logger } from '../util/log.js';

/** CONTENT_TYPE of the text format, version 0.0.4. */
export const CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export interface MetricsServer {
  readonly listen: MetricsListen;
  close(): Promise<void>;
}

/** render fills the sink for one scrape; `lag` is the loop delay since the previous one. */
export type RenderScrape = (sink: TextSink, lag: { p99: number; max: number }) => void;

/** serveMetrics listens and answers /metrics; rejects if the address cannot be bound. */
export async function serveMetrics(listen: MetricsListen, render: RenderScrape, logger: Logger): Promise<MetricsServer> {
  const sink = new TextSink();
  const loop: IntervalHistogram = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (path !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found: try /metrics\n');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    let body: Buffer;
    try {
      sink.begin();
      const lag = { p99: loop.percentile(99) / 1e9, max: loop.max / 1e9 };
      loop.reset();
      render(sink, Number.isFinite(lag.max) ? lag : { p99: 0, max: 0 });
      body = sink.take();
    } catch (e) {
      logger.error(`metrics scrape failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
      res.writeHead(500, { 'content-type': 'text/plain' }).end('scrape failed\n');
      return;
    }
    res.writeHead(200, { 'content-type': CONTENT_TYPE, 'content-length': body.length });
    res.end(req.method === 'HEAD' ? undefined : body, () => sink.returned());
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.address, () => { server.off('error', reject); resolve(); });
  });
  server.on('error', (e) => logger.error(`metrics server: ${e.message}`));
  server.unref();
  return {
    listen,
    close: () => new Promise<void>((resolve) => {
      loop.disable();
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}
