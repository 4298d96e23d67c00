import type { CheckFn } from './types.js';
import { httpGet } from './lib/http-get.js';

/**
 * check for service=http_proxy: the real is an HTTP proxy at rip:checkport; the absolute
 * request URL is fetched through it and judged as an http check.
 */
export const check: CheckFn = (spec, signal) => httpGet(spec, signal, 'http', 'proxy');
