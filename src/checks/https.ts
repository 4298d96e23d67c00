import type { CheckFn } from './types.js';
import { httpGet } from './lib/http-get.js';

/**
 * check for service=https: as http over TLS. Certificates are not verified unless tlsVerify is
 * set (the original passes verify_hostname=>0, issue #361); tlsVerify also sends virtualhost as SNI.
 */
export const check: CheckFn = (spec, signal) => httpGet(spec, signal, 'https', 'direct');
