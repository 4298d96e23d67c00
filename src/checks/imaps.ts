import type { CheckFn } from './types.js';
import { imapCheck } from './mail/imap.js';

/** check: the imaps negotiate check: imap over implicit TLS, port 993. */
export const check: CheckFn = imapCheck({ tls: true, wellKnownPort: 993 });
