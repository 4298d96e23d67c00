/**
 * The nntp negotiate check (ldirectord L3264-3301): connect, read one greeting of at most 64
 * bytes, up when it starts with "2" (200 posting allowed / 201 no posting, RFC 3977 5.1).
 */
import type { CheckFn } from './types.js';
import { fail } from './lib/deadline.js';
import { runDialogue } from './lib/dialogue.js';
import { clipLine } from './lib/line-session.js';

/** GREETING_BYTES is how much of the greeting the original reads (sysread 64, L3289). */
const GREETING_BYTES = 64;

/** nntpCheck builds the nntp negotiate check; `wellKnownPort` is used when spec.checkPort is 0. */
export const nntpCheck = (wellKnownPort: number): CheckFn => (spec, signal, ctx) => runDialogue(spec, signal, { tls: false, wellKnownPort, ctx }, async (s) => {
  const greeting = await s.readChunk(Math.min(GREETING_BYTES, spec.maxBytes));
  if (greeting === '') throw fail('connection closed by server');
  if (!greeting.startsWith('2')) throw fail(`greeting: ${clipLine(greeting.split('\n')[0] ?? '')}`);
  return clipLine(greeting.split('\n')[0] ?? '');
});
