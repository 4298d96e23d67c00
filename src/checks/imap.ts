import type { CheckFn } from './types.js';
import { imapCheck } from './mail/imap.js';

/** check: the imap negotiate check (OK greeting, LOGIN if a login is set, LOGOUT), port 143. */
export const check: CheckFn = imapCheck({ tls: false, wellKnownPort: 143 });
