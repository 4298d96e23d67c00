import type { CheckFn } from './types.js';
import { smtpCheck } from './mail/smtp.js';

/** check: the submission negotiate check; the smtp dialogue on port 587 by default. */
export const check: CheckFn = smtpCheck(587);
