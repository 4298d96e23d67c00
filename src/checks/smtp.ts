import type { CheckFn } from './types.js';
import { smtpCheck } from './mail/smtp.js';

/** check: the smtp negotiate check (greeting + EHLO/HELO + QUIT), port 25 by default. */
export const check: CheckFn = smtpCheck(25);
