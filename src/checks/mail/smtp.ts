/**
 * The SMTP dialogue behind the smtp and submission checks (ldirectord L3072-3090 uses
 * Net::SMTP->new: greeting, EHLO falling back to HELO, then QUIT). Written over LineSession
 * rather than nodemailer's SMTPConnection: that class has its own per-step timers, no
 * AbortSignal, unbounded reply buffering and STARTTLS/AUTH logic a health check must not run.
 */
import type { CheckContext, CheckFn } from '../types.js';
import { fail } from '../lib/deadline.js';
import { runDialogue } from '../lib/dialogue.js';
import { localName } from '../lib/identity.js';
import { clipLine, type LineSession } from '../lib/line-session.js';

/** SmtpReply is one (possibly multi-line) reply: its code and its last line. */
export interface SmtpReply {
  readonly code: number;
  readonly line: string;
}

/** readReply reads lines up to the last line of a reply (`250 x` ends, `250-x` continues). */
export async function readReply(session: LineSession): Promise<SmtpReply> {
  for (;;) {
    const line = await session.readLine();
    const m = /^(\d{3})([ -]|$)/.exec(line);
    if (!m) throw fail(`not an SMTP reply: "${clipLine(line)}"`);
    if (m[2] !== '-') return { code: Number(m[1]), line };
  }
}

/** heloName is the name sent in EHLO/HELO: the injected hostname, else the system's. */
export function heloName(ctx: CheckContext): string {
  const name = localName(ctx);
  return name !== '' ? name : 'localhost';
}

/**
 * smtpCheck builds the check for one port default: 25 for smtp, 587 for submission. Up when
 * the greeting is 220 and EHLO (or, if refused, HELO) gets a 2xx; QUIT is sent either way.
 */
export function smtpCheck(wellKnownPort: number): CheckFn {
  return (spec, signal, ctx) => runDialogue(spec, signal, { wellKnownPort, tls: false, ctx }, async (s) => {
    const greeting = await readReply(s);
    if (greeting.code !== 220) throw fail(`greeting: ${clipLine(greeting.line)}`);
    const name = heloName(ctx);
    s.send(`EHLO ${name}`);
    let hello = await readReply(s);
    // Net::SMTP falls back to HELO when EHLO is not understood (RFC 5321 4.1.4: 500/502).
    if (hello.code >= 500) {
      s.send(`HELO ${name}`);
      hello = await readReply(s);
    }
    if (hello.code < 200 || hello.code > 299) throw fail(`HELO: ${clipLine(hello.line)}`);
    s.send('QUIT');
    // The answer to QUIT does not change the verdict (Net::SMTP ignores it too), so don't wait.
    return clipLine(greeting.line);
  });
}
