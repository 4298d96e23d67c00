/**
 * The IMAP dialogue behind the imap and imaps checks (ldirectord L3127-3186 uses
 * Net::IMAP::Simple: greeting, LOGIN if a login is set, then LOGOUT). A minimal tagged dialogue
 * instead of imapflow: imapflow pulls in a parser, compression and mailbox state for what is
 * three commands, and has no AbortSignal; LineSession gives the shared deadline and byte bound.
 */
import type { CheckFn, SpecOf } from '../types.js';
import { fail } from '../lib/deadline.js';
import { runDialogue } from '../lib/dialogue.js';
import { clipLine, type LineSession } from '../lib/line-session.js';

/** quoted renders an IMAP quoted string (RFC 3501 4.3): backslash-escape \ and ". */
export function quoted(text: string): string {
  return `"${text.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** tagged reads until the tagged completion of `tag`, skipping untagged data, and returns it. */
async function tagged(s: LineSession, tag: string): Promise<string> {
  for (;;) {
    const line = await s.readLine();
    if (line.startsWith(`${tag} `)) return line.slice(tag.length + 1);
    // A server that gives up mid-session says so untagged before closing (RFC 3501 7.1.5).
    if (/^\* BYE\b/i.test(line)) throw fail(clipLine(line));
  }
}

/** imapCheck builds the check: plain on 143 (imap) or implicit TLS on 993 (imaps). */
export function imapCheck(opts: { readonly tls: false; readonly wellKnownPort: number }): CheckFn<SpecOf<'login' | 'passwd'>>;
export function imapCheck(opts: { readonly tls: true; readonly wellKnownPort: number }): CheckFn<SpecOf<'login' | 'passwd' | 'tlsVerify'>>;
export function imapCheck(opts: { readonly tls: boolean; readonly wellKnownPort: number }): CheckFn<SpecOf<'login' | 'passwd' | 'tlsVerify'>> {
  // tlsVerify is read only over TLS: the plain check declares none.
  return (spec, signal, ctx) => runDialogue(spec, signal, { ...opts, tlsVerify: opts.tls && spec.tlsVerify, ctx }, async (s) => {
    const greeting = await s.readLine();
    // PREAUTH is a successful greeting too: the session is already authenticated.
    if (!/^\* (OK|PREAUTH)\b/i.test(greeting)) throw fail(`greeting: ${clipLine(greeting)}`);
    if (spec.login !== '') {
      s.send(`a1 LOGIN ${quoted(spec.login)} ${quoted(spec.passwd)}`);
      const done = await tagged(s, 'a1');
      if (!/^OK\b/i.test(done)) throw fail(`LOGIN: ${clipLine(done)}`);
    }
    s.send('a2 LOGOUT');
    return clipLine(greeting);
  });
}
