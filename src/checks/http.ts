import type { CheckFn } from './types.js';
import { httpGet } from './lib/http-get.js';

/** check for service=http: GET/HEAD over plain HTTP, a new connection per check. */
export const check: CheckFn = (spec, signal) => httpGet(spec, signal, 'http', 'direct');
