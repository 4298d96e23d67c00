import type { CheckFn } from './types.js';
import { ldapCheck } from './ldap.js';

/** check: the ldaps negotiate check: ldap over implicit TLS, port 636 by default. */
export const check: CheckFn = ldapCheck(true, 636);
