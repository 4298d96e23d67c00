import type { CheckFn } from './types.js';
import { notImplemented } from './stub.js';

export const check: CheckFn = notImplemented('https');
