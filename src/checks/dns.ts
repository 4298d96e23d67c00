import type { CheckFn, CheckTarget, SpecOf } from './types.js';
import { compileReceive, type Receive } from './lib/receive.js';
import { connectTcp, connectUdp } from './lib/socket.js';
import { type Deadline, type Outcome, down, up, withDeadline } from './lib/deadline.js';
import { type DnsQuery, buildQueries, matchResponse, queryIdOf } from './wire/dns-message.js';

/**
 * DNS_TCP_FLOOR: the check's byte budget always holds two whole DNS messages over TCP (the
 * answers to A and AAAA), whatever maxBytes says; a UDP datagram is at most 64 KiB anyway.
 */
const DNS_TCP_FLOOR = 2 * (2 + 0xffff);

/**
 * check is the dns negotiate check (ldirectord check_dns, L3764): ask the real server, over UDP
 * or over TCP when the virtual is tcp, for the request without its leading "/" (A and AAAA for a
 * name, PTR for an IP address). Up when an A/AAAA address or a PTR name matches `receive`.
 * An empty receive is always down, as in the original (L3812: `length($recstr) and ...`).
 */
export const check: CheckFn<SpecOf<'request' | 'receive'>> = (spec, signal, ctx) => withDeadline(spec.timeoutMs, signal, async (d) => {
  if (spec.receive === '') return down('empty receive: a dns check without receive is always down');
  const re = spec.compiledReceive ?? compileReceive(spec.receive);
  if (typeof re === 'string') return down(re);
  const request = spec.request.replace(/^\//, '');
  if (request === '') return down('empty request: nothing to resolve');
  const queries = buildQueries(request);
  const decide = decider(queries, re);
  return spec.protocol === 'tcp' ? overTcp(spec, d, queries, decide) : overUdp(spec, d, queries, decide);
}, { maxBytes: Math.max(spec.maxBytes, DNS_TCP_FLOOR), ctx });

/**
 * decider returns a function fed with every message received: it ignores anything that is not
 * the answer to one of our queries (wrong id or question: spoofed, stale or garbage), says up at
 * the first matching address/name, and down once every query has been answered without a match.
 */
function decider(queries: readonly DnsQuery[], re: Receive): (msg: Buffer) => Outcome | undefined {
  const pending = new Map(queries.map((q) => [q.id, q] as const));
  const seen: string[] = [];
  return (msg) => {
    const id = queryIdOf(msg);
    const query = id === undefined ? undefined : pending.get(id);
    if (query === undefined) return undefined;
    const answer = matchResponse(msg, query);
    if (answer === undefined) return undefined;
    pending.delete(query.id);
    const hit = answer.values.find((v) => re.matches(v));
    if (hit !== undefined) return up(`Success: ${query.type} ${hit}`);
    seen.push(`${query.type} ${answer.values.length > 0 ? answer.values.join(',') : answer.rcode}`);
    return pending.size === 0 ? down(`Response mismatch (${seen.join('; ')})`) : undefined;
  };
}

/** overUdp sends every query in one datagram each from a connected socket and waits for answers. */
function overUdp(
  spec: CheckTarget, d: Deadline, queries: readonly DnsQuery[], decide: (msg: Buffer) => Outcome | undefined,
): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    connectUdp(spec.realAddress, spec.checkPort, d, {
      error: reject,
      message: (msg) => {
        const outcome = decide(msg);
        if (outcome) resolve(outcome);
      },
      connected: (socket) => {
        for (const q of queries) socket.send(q.packet, (err) => { if (err) reject(err); });
      },
    });
  });
}

/** overTcp sends every query with its 2-byte length prefix on one connection (RFC 1035 4.2.2). */
async function overTcp(
  spec: CheckTarget, d: Deadline, queries: readonly DnsQuery[], decide: (msg: Buffer) => Outcome | undefined,
): Promise<Outcome> {
  const socket = await connectTcp(spec.realAddress, spec.checkPort, d.signal, d.budget);
  d.defer(() => socket.destroy());
  return new Promise((resolve, reject) => {
    // Chunks are joined only once a whole length prefix or message is there: a lying length
    // trickled in small chunks costs the bytes it brings, not a copy of the message per chunk.
    let parts: Buffer[] = [];
    let held = 0;
    let need = 2;
    socket.on('error', reject);
    socket.on('close', () => resolve(down('connection closed before an answer')));
    socket.on('data', (chunk: Buffer) => {
      parts.push(chunk);
      held += chunk.length;
      while (held >= need) {
        const buf = parts.length === 1 ? parts[0] as Buffer : Buffer.concat(parts, held);
        const len = buf.readUInt16BE(0);
        parts = [buf];
        if (held < 2 + len) { need = 2 + len; return; }
        const outcome = decide(buf.subarray(2, 2 + len));
        const rest = buf.subarray(2 + len);
        parts = rest.length > 0 ? [rest] : [];
        held = rest.length;
        need = 2;
        if (outcome) { resolve(outcome); return; }
      }
    });
    for (const q of queries) {
      const prefix = Buffer.alloc(2);
      prefix.writeUInt16BE(q.packet.length);
      socket.write(Buffer.concat([prefix, q.packet]));
    }
  });
}
