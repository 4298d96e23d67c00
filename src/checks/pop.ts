import type { CheckFn } from './types.js';
import { pop3Check } from './mail/pop3.js';

/** check: the pop negotiate check (+OK greeting, USER/PASS if a login is set), port 110. */
export const check: CheckFn = pop3Check({ tls: false, wellKnownPort: 110 });
