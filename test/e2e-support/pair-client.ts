#!/usr/bin/env node
/**
 * pair-client: the client of the director-pair failover test and benchmark, run inside the
 * client's network namespace (`ip netns exec <ns> node pair-client.js <vip> <port>`). It does two
 * things at once:
 * - a stream of requests, each on a fresh connection (so each one is scheduled by whichever
 *   director holds the VIP), one at a time, 1 s deadline each, 50 ms apart; every outcome goes to
 *   stderr as `fresh <epoch ms> <1|0> <body or error>`;
 * - long-lived connections (HTTP/1.1 keep-alive on a raw socket, so a lost connection is never
 *   silently replaced by a new one), each named by the caller: stdin `open NAME` opens one and
 *   sends a request, `connect NAME` only opens one (no data: the director sees 2 packets, below the
 *   kernel's sync threshold), `probe NAME` sends a request on it (NAME defaults to `main`); each
 *   outcome is `long <name> <epoch ms> <1|0> <local port> <body, `connected` or error>`.
 * stdin `stop` (or its end) ends the program.
 */
import { connect, type Socket } from 'node:net';
import { createInterface } from 'node:readline';
import { once } from './http-client.js';

/** Deadline of one request on the long-lived connection: generous (a loaded lab guest). */
const LONG_DEADLINE_MS = 15_000;

const say = (line: string): void => { process.stderr.write(`${line}\n`); };

/** LongConn is the keep-alive connection and the response being read on it. */
class LongConn {
  private sock: Socket | undefined;
  private buf = '';
  private waiting: ((r: { ok: boolean; text: string }) => void) | undefined;
  private failure = '';

  constructor(private readonly name: string, private readonly vip: string, private readonly port: number) {}

  /** open connects and sends the first request, or (`request` false) reports the connection only. */
  async open(request = true): Promise<void> {
    const t = Date.now();
    const sock = connect({ host: this.vip, port: this.port });
    this.sock = sock;
    sock.setEncoding('utf8');
    sock.on('data', (d: string) => { this.buf += d; this.tryComplete(); });
    sock.on('error', (e) => { this.failure = `error ${e.message}`; this.finish(false, this.failure); });
    sock.on('close', () => { this.failure ||= 'closed'; this.finish(false, this.failure); });
    if (request) { await this.request(); return; }
    const ok = await new Promise<boolean>((resolve) => {
      sock.once('connect', () => resolve(true));
      sock.once('error', () => resolve(false));
    });
    say(`long ${this.name} ${t} ${ok ? 1 : 0} ${sock.localPort ?? 0} ${ok ? 'connected' : this.failure || 'error'}`);
  }

  /** request sends one GET on the same socket and reports its outcome. */
  async request(): Promise<void> {
    const sock = this.sock;
    if (!sock) { say(`long ${this.name} ${Date.now()} 0 0 not-open`); return; }
    const t = Date.now();
    const r = await new Promise<{ ok: boolean; text: string }>((resolve) => {
      if (this.failure) { resolve({ ok: false, text: this.failure }); return; }
      this.waiting = resolve;
      const timer = setTimeout(() => this.finish(false, `timeout after ${LONG_DEADLINE_MS} ms`), LONG_DEADLINE_MS);
      this.waiting = (v) => { clearTimeout(timer); resolve(v); };
      this.buf = '';
      sock.write(`GET / HTTP/1.1\r\nHost: ${this.vip}\r\n\r\n`);
    });
    say(`long ${this.name} ${t} ${r.ok ? 1 : 0} ${sock.localPort ?? 0} ${r.text.trim().slice(0, 80) || '-'}`);
  }

  private tryComplete(): void {
    const end = this.buf.indexOf('\r\n\r\n');
    if (end < 0) return;
    const len = /content-length:\s*(\d+)/i.exec(this.buf.slice(0, end));
    const body = this.buf.slice(end + 4);
    if (!len || body.length < Number(len[1])) return;
    this.finish(/^HTTP\/1\.1 200/.test(this.buf), body.slice(0, Number(len[1])));
  }

  private finish(ok: boolean, text: string): void {
    const w = this.waiting;
    this.waiting = undefined;
    w?.({ ok, text });
  }

  close(): void { this.sock?.destroy(); }
}

async function main(): Promise<void> {
  const [vip = '', port = '80'] = process.argv.slice(2);
  const longs = new Map<string, LongConn>();
  let stop = false;
  const lines = createInterface({ input: process.stdin });
  lines.on('line', (line) => {
    const [cmd, name = 'main'] = line.trim().split(/\s+/);
    if ((cmd === 'open' || cmd === 'connect') && !longs.has(name)) {
      const c = new LongConn(name, vip, Number(port));
      longs.set(name, c);
      void c.open(cmd === 'open');
    } else if (cmd === 'probe') {
      const c = longs.get(name);
      if (c) void c.request(); else say(`long ${name} ${Date.now()} 0 0 not-open`);
    } else if (cmd === 'stop') stop = true;
  });
  lines.on('close', () => { stop = true; });
  while (!stop) {
    const s = await once(`http://${vip}:${port}/`);
    say(`fresh ${s.t} ${s.ok ? 1 : 0} ${s.body.replace(/\s+/g, ' ') || '-'}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  for (const c of longs.values()) c.close();
}

await main();
