/**
 * Minimal SMTP, POP3 and IMAP responders on loopback addresses, for the demo and end-to-end
 * runs of mail.cf: just the dialogue our negotiate checks hold (greeting, EHLO/HELO, USER/PASS,
 * LOGIN, QUIT/LOGOUT), with a fixed login. The check tests use the real exim4 and dovecot; here
 * the point is the director around the checks, and these start in milliseconds inside the lab.
 */
import { createServer, type Server, type Socket } from 'node:net';

/** MailProto names the dialogue a responder speaks. */
export type MailProto = 'smtp' | 'pop' | 'imap';

/** ResponderSpec is one listening responder. */
export interface ResponderSpec {
  readonly proto: MailProto;
  readonly address: string;
  readonly port: number;
  readonly login?: string;
  readonly passwd?: string;
}

/** answer returns the reply lines to one client line, and whether to close afterwards (pure). */
export function answer(spec: ResponderSpec, line: string, user: { name?: string }): { lines: string[]; close: boolean } {
  const [word = '', ...rest] = line.trim().split(/\s+/);
  const verb = word.toUpperCase();
  if (spec.proto === 'smtp') {
    if (verb === 'EHLO' || verb === 'HELO') return { lines: ['250 demo.localdomain'], close: false };
    if (verb === 'QUIT') return { lines: ['221 bye'], close: true };
    return { lines: ['502 not implemented'], close: false };
  }
  if (spec.proto === 'pop') {
    if (verb === 'USER') { user.name = rest[0]; return { lines: ['+OK'], close: false }; }
    if (verb === 'PASS') {
      const ok = user.name === spec.login && rest.join(' ') === spec.passwd;
      return { lines: [ok ? '+OK logged in' : '-ERR authentication failed'], close: false };
    }
    if (verb === 'QUIT') return { lines: ['+OK bye'], close: true };
    return { lines: ['-ERR unknown command'], close: false };
  }
  // IMAP: "<tag> <command> ...", quoted strings unquoted loosely (the check quotes both).
  const tag = word;
  const cmd = (rest[0] ?? '').toUpperCase();
  if (cmd === 'LOGIN') {
    const args = [...line.matchAll(/"((?:[^"\\]|\\.)*)"|(\S+)/g)].slice(2).map((m) => (m[1] ?? m[2] ?? '').replace(/\\(.)/g, '$1'));
    const ok = args[0] === spec.login && args[1] === spec.passwd;
    return { lines: [ok ? `${tag} OK LOGIN completed` : `${tag} NO LOGIN failed`], close: false };
  }
  if (cmd === 'LOGOUT') return { lines: ['* BYE', `${tag} OK LOGOUT completed`], close: true };
  return { lines: [`${tag} BAD unknown command`], close: false };
}

const GREETING: Record<MailProto, string> = {
  smtp: '220 demo.localdomain ESMTP ready',
  pop: '+OK POP3 ready',
  imap: '* OK IMAP4rev1 ready',
};

function serve(spec: ResponderSpec, sock: Socket): void {
  const user: { name?: string } = {};
  let buf = '';
  sock.setTimeout(10_000, () => sock.destroy());
  sock.on('error', () => sock.destroy());
  sock.write(`${GREETING[spec.proto]}\r\n`);
  sock.on('data', (d: Buffer) => {
    buf += d.toString('latin1');
    let i: number;
    while ((i = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, i).replace(/\r$/, '');
      buf = buf.slice(i + 1);
      const r = answer(spec, line, user);
      sock.write(r.lines.map((l) => `${l}\r\n`).join(''));
      if (r.close) { sock.end(); return; }
    }
  });
}

/** Responders is a set of listening responders. */
export interface Responders {
  close(): Promise<void>;
}

/** startResponders listens on every spec and resolves once all are bound. */
export async function startResponders(specs: readonly ResponderSpec[]): Promise<Responders> {
  const servers: Server[] = [];
  const open = new Set<Socket>();
  try {
    for (const spec of specs) {
      const srv = createServer((s) => { open.add(s); s.on('close', () => open.delete(s)); serve(spec, s); });
      servers.push(srv);
      await new Promise<void>((resolve, reject) => { srv.once('error', reject); srv.listen(spec.port, spec.address, () => resolve()); });
    }
  } catch (e) {
    for (const s of servers) s.close();
    throw e;
  }
  return {
    async close() {
      for (const s of open) s.destroy();
      await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
    },
  };
}
