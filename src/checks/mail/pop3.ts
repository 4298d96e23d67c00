/**
 * The POP3 dialogue behind the pop and pops checks. ldirectord (L3092-3125) uses
 * Mail::POP3Client, whose constructor never fails, so a pop check without a login is always up
 * even against a refused port (reference §0 #10). Here the greeting must be +OK, and with a
 * login, USER and PASS must both be accepted (RFC 1939 4-7). No POP3 client library is used:
 * the dialogue is four commands, and LineSession gives it the shared deadline and byte bound.
 */
import type { CheckFn, SpecOf } from '../types.js';
import { fail } from '../lib/deadline.js';
import { runDialogue } from '../lib/dialogue.js';
import { clipLine, type LineSession } from '../lib/line-session.js';

/** expectOk reads one status line and fails unless it is +OK; `what` names the step. */
async function expectOk(s: LineSession, what: string): Promise<string> {
  const line = await s.readLine();
  if (!line.startsWith('+OK')) throw fail(`${what}: ${clipLine(line)}`);
  return line;
}

/** pop3Check builds the check: plain on 110 (pop) or implicit TLS on 995 (pops). */
export function pop3Check(opts: { readonly tls: false; readonly wellKnownPort: number }): CheckFn<SpecOf<'login' | 'passwd'>>;
export function pop3Check(opts: { readonly tls: true; readonly wellKnownPort: number }): CheckFn<SpecOf<'login' | 'passwd' | 'tlsVerify'>>;
export function pop3Check(opts: { readonly tls: boolean; readonly wellKnownPort: number }): CheckFn<SpecOf<'login' | 'passwd' | 'tlsVerify'>> {
  // tlsVerify is read only over TLS: the plain check declares none.
  return (spec, signal, ctx) => runDialogue(spec, signal, { ...opts, tlsVerify: opts.tls && spec.tlsVerify, ctx }, async (s) => {
    const greeting = await expectOk(s, 'greeting');
    if (spec.login !== '') {
      s.send(`USER ${spec.login}`);
      await expectOk(s, 'USER');
      s.send(`PASS ${spec.passwd}`);
      await expectOk(s, 'PASS');
    }
    // QUIT only ends the session (after a login it would enter UPDATE, harmless: nothing was
    // deleted); its answer cannot change the verdict, so it is not awaited.
    s.send('QUIT');
    return clipLine(greeting);
  });
}
