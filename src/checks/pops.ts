import type { CheckFn } from './types.js';
import { pop3Check } from './mail/pop3.js';

/** check: the pops negotiate check: pop over implicit TLS, port 995. */
export const check: CheckFn = pop3Check({ tls: true, wellKnownPort: 995 });
