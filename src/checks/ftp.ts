/**
 * The ftp negotiate check, after ldirectord L3718-3762: login, cwd /, binary, passive, fetch
 * `request` and match its content against receive. basic-ftp does the protocol; the deadline
 * closes its control and data sockets (client.close()). Both count against the check's byte
 * budget: the control socket is metered, and the download goes into a sink that takes its bytes
 * from the same budget (every data-connection byte passes through it).
 *
 * Deliberate differences: the original ignores every FTP error and matches whatever reached its
 * temp file, and an empty receive reuses Perl's last successful pattern (unpredictable). Here a
 * failed step is down with its reason, and an empty receive means "the transfer succeeded".
 * A file longer than the budget leaves is judged on the part that fits (maxBytes minus the
 * control replies).
 */
import { Writable } from 'node:stream';
import { Client } from 'basic-ftp';
import type { CheckContext, CheckFn, SpecOf } from './types.js';
import { down, fail, up, withDeadline } from './lib/deadline.js';
import { compileReceive } from './lib/receive.js';
import { clip, errorText } from './lib/result.js';
import { targetPort } from './lib/socket.js';
import { orDefaultLogin } from './lib/identity.js';
import { meter, type ByteBudget } from './lib/byte-budget.js';

/** BoundedSink collects written bytes while `budget` lasts, then calls `onFull` once. */
export class BoundedSink extends Writable {
  private readonly parts: Buffer[] = [];
  /** full is true once the budget ran out. */
  full = false;

  constructor(private readonly budget: ByteBudget, private readonly onFull: () => void) {
    super();
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, done: (err?: Error | null) => void): void {
    const fit = this.budget.take(chunk.length);
    if (fit > 0) this.parts.push(fit === chunk.length ? chunk : chunk.subarray(0, fit));
    if (this.budget.exceeded && !this.full) {
      this.full = true;
      this.onFull();
    }
    done();
  }

  /** text is what was kept, one char per byte (latin1), so a regex sees every byte. */
  text(): string {
    return Buffer.concat(this.parts).toString('latin1');
  }
}

/** credentials applies ldirectord's ftp defaults (L1580-1590) when the spec left them empty. */
export function credentials(login: string, passwd: string, ctx: CheckContext): { user: string; password: string } {
  return {
    user: login !== '' ? login : 'anonymous',
    password: orDefaultLogin(passwd, ctx),
  };
}

/** ftpCheck builds the ftp negotiate check; `wellKnownPort` is used when spec.checkPort is 0. */
export const ftpCheck = (wellKnownPort: number): CheckFn<SpecOf<'request' | 'receive' | 'login' | 'passwd'>> => (spec, signal, ctx) => withDeadline(spec.timeoutMs, signal, async (deadline) => {
  const receive = spec.receive === '' ? undefined : spec.compiledReceive ?? compileReceive(spec.receive);
  if (typeof receive === 'string') return down(receive);
  // basic-ftp's own timeout is per socket inactivity; the deadline below bounds the whole check.
  const client = new Client(spec.timeoutMs);
  const close = (): void => client.close();
  deadline.signal.addEventListener('abort', close, { once: true });
  const sink = new BoundedSink(deadline.budget, close);
  try {
    const connecting = client.connect(spec.realAddress, targetPort(spec, wellKnownPort));
    // connect() has just made the control socket (nothing read yet): meter it.
    meter(client.ftp.socket, deadline.budget);
    await step('connect', connecting);
    const { user, password } = credentials(spec.login, spec.passwd, ctx);
    await step('login', client.login(user, password));
    await step('cwd /', client.cd('/'));
    await step('TYPE I', client.send('TYPE I'));
    const path = spec.request.replace(/^\/+/, '');
    try {
      await client.downloadTo(sink, path);
    } catch (err) {
      // Closing the client is how the sink stops an over-long file; that is not a failure.
      if (!sink.full) throw fail(`RETR ${path}: ${reason(err)}`);
    }
    client.send('QUIT').catch(() => undefined);
    const content = sink.text();
    // A result, not a throw: a cut download is judged, not reported as the exceeded budget.
    if (receive && !receive.matches(content)) return down(`response mismatch: "${clip(content.replace(/\s+/g, ' ').trim(), 80)}"`);
    return up(sink.full ? `first ${content.length} bytes of ${path} received` : `${path}: ${content.length} bytes received`);
  } finally {
    deadline.signal.removeEventListener('abort', close);
    close();
  }
}, { errors: 'detail', maxBytes: spec.maxBytes, ctx });

/** step runs one FTP command, prefixing its failure with the step's name. */
async function step<T>(what: string, p: Promise<T>): Promise<T> {
  try {
    return await p;
  } catch (err) {
    throw fail(`${what}: ${reason(err)}`);
  }
}

/** reason is a basic-ftp error (FTPError: the server's reply; its numeric code is in the text) or a socket errno. */
function reason(err: unknown): string {
  return errorText(err, 'detail');
}
