/**
 * runDialogue: the skeleton of every line-protocol check (smtp, submission, pop, pops, imap,
 * imaps, nntp): deadline, connect, run the protocol body, always close, turn the outcome into
 * a CheckResult. The body returns the "up" message or throws (fail() for a protocol "no").
 */
import type { CheckContext, CheckResult, CheckTarget } from '../types.js';
import { up, withDeadline } from './deadline.js';
import { LineSession } from './line-session.js';
import { targetPort } from './socket.js';

/** DialogueOptions: the transport of one service. */
export interface DialogueOptions {
  /** Port used when spec.checkPort is 0. */
  readonly wellKnownPort: number;
  /** Implicit TLS (pops, imaps), and whether to verify its certificate (their spec's tlsVerify). */
  readonly tls: boolean;
  readonly tlsVerify?: boolean;
  /** The check's context (its time limit and clock, see withDeadline). */
  readonly ctx?: CheckContext;
}

/** runDialogue connects to the real server and runs `body` on the session under the deadline. */
export function runDialogue(
  spec: CheckTarget,
  signal: AbortSignal,
  opts: DialogueOptions,
  body: (session: LineSession) => Promise<string>,
): Promise<CheckResult> {
  return withDeadline(spec.timeoutMs, signal, async (deadline) => {
    const session = await LineSession.open({
      host: spec.realAddress,
      port: targetPort(spec, opts.wellKnownPort),
      tls: opts.tls,
      tlsVerify: opts.tlsVerify ?? false,
      budget: deadline.budget,
      signal: deadline.signal,
    });
    try {
      return up(await body(session));
    } finally {
      session.close();
    }
  }, { errors: 'detail', maxBytes: spec.maxBytes, ctx: opts.ctx });
}
