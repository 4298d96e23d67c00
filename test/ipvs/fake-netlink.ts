// A scriptable fake of the kernel side of a NETLINK_GENERIC socket, injected through
// OpenIpvsOptions.socketFactory. It decodes every datagram the driver sends, asks `respond` what
// to answer per request, and records what a real kernel would make observable: datagrams,
// messages per datagram, replies in flight, sockets opened and closed.
import type { RawSocket, RawSocketEvents, RawSocketFactory } from '../../src/ipvs/rawsocket.js';

export interface FakeRequest { readonly seq: number; readonly type: number; readonly flags: number; readonly cmd: number; readonly attrs: Buffer }
/** A reply: datagrams to deliver (each a Buffer of messages), or 'drop' to never answer. */
export type FakeReply = Buffer[] | 'drop';

const hdr = (type: number, flags: number, seq: number, body: Buffer): Buffer => {
  const b = Buffer.alloc(16 + ((body.length + 3) & ~3));
  b.writeUInt32LE(16 + body.length, 0); b.writeUInt16LE(type, 4); b.writeUInt16LE(flags, 6); b.writeUInt32LE(seq, 8); b.writeUInt32LE(77, 12);
  body.copy(b, 16);
  return b;
};
/** ack builds NLMSG_ERROR for a request: errno 0 is a plain ACK. */
export const ack = (r: FakeRequest, errno = 0): Buffer => {
  const body = Buffer.alloc(20); body.writeInt32LE(-errno, 0); body.writeUInt32LE(20, 4); body.writeUInt16LE(r.type, 8); body.writeUInt32LE(r.seq, 12);
  return hdr(2, 0, r.seq, body);
};
/** data builds a genl message answering `r` (MULTI when part of a dump). */
export const data = (r: FakeRequest, cmd: number, attrs: Buffer, multi = false): Buffer =>
  hdr(r.type, multi ? 2 : 0, r.seq, Buffer.concat([Buffer.of(cmd, 1, 0, 0), attrs]));
export const done = (r: FakeRequest, errno = 0): Buffer => { const b = Buffer.alloc(4); b.writeInt32LE(-errno); return hdr(3, 2, r.seq, b); };
export const nla = (type: number, payload: Buffer): Buffer => {
  const b = Buffer.alloc((4 + payload.length + 3) & ~3); b.writeUInt16LE(4 + payload.length, 0); b.writeUInt16LE(type, 2); payload.copy(b, 4);
  return b;
};
export const u16 = (v: number): Buffer => { const b = Buffer.alloc(2); b.writeUInt16LE(v); return b; };
export const u32 = (v: number): Buffer => { const b = Buffer.alloc(4); b.writeUInt32LE(v); return b; };

export const IPVS_FAMILY = 28;
const ACK_FLAG = 0x4;
/** isPlainAck: one NLMSG_ERROR with errno 0 (a success acknowledgement). */
const isPlainAck = (b: Buffer): boolean => b.length >= 20 && b.readUInt16LE(4) === 2 && b.readInt32LE(16) === 0 && b.readUInt32LE(0) === b.length;

/** defaultRespond answers the controller lookup and GET_INFO like a kernel with IPVS, and ACKs the rest. */
export function kernelLike(r: FakeRequest): FakeReply {
  if (r.type === 0x10) return [Buffer.concat([data(r, 1, Buffer.concat([nla(1, u16(IPVS_FAMILY)), nla(2, Buffer.from('IPVS\0'))])), ack(r)])];
  if (r.cmd === 15) return [Buffer.concat([data(r, 14, Buffer.concat([nla(1, u32(0x010201)), nla(2, u32(4096))])), ack(r)])];
  if (r.flags & 0x300) return [done(r)];
  return [ack(r)];
}

export class FakeNetlink {
  respond: (r: FakeRequest) => FakeReply = kernelLike;
  /** granted SO_RCVBUF (what getsockopt would say after setsockopt). */
  rcvbuf = 212992;
  /** the next send's callback fails with this error. */
  failNextSend: Error | undefined;
  /** deliver replies before the send callback (pitfall 8 of ipvs-netlink.md). */
  repliesBeforeSendCallback = true;
  opened = 0;
  closed = 0;
  refs = 0;
  readonly datagrams: FakeRequest[][] = [];
  inFlight = 0;
  maxInFlight = 0;
  /** violations of "a dump runs alone" seen by the fake. */
  dumpOverlaps = 0;
  /** reply datagrams queued for the driver to read (one recvmsg each in the kernel). */
  replyDatagrams = 0;
  private events: RawSocketEvents | undefined;
  private open = false;
  private readonly outstanding = new Map<number, FakeRequest>();

  readonly factory: RawSocketFactory = (events) => {
    this.opened++;
    this.events = events;
    this.open = true;
    this.outstanding.clear();
    this.inFlight = 0;
    const sock: RawSocket = {
      send: (d, cb) => this.onSend(d, cb),
      close: () => { if (this.open) { this.open = false; this.closed++; } },
      ref: () => { this.refs++; },
      unref: () => { this.refs--; },
      setRecvBufferSize: () => this.rcvbuf,
    };
    return sock;
  };

  /** emitError raises a socket error, as the addon's 'error' event would. */
  emitError(e: Error): void { this.events?.onError(e); }

  private onSend(d: Buffer, cb: (err?: Error) => void): void {
    if (this.failNextSend) {
      const err = this.failNextSend;
      this.failNextSend = undefined;
      setImmediate(() => cb(err));
      return;
    }
    const reqs: FakeRequest[] = [];
    for (let off = 0; off + 16 <= d.length;) {
      const len = d.readUInt32LE(off);
      reqs.push({ seq: d.readUInt32LE(off + 8), type: d.readUInt16LE(off + 4), flags: d.readUInt16LE(off + 6), cmd: d[off + 16]!, attrs: d.subarray(off + 20, off + len) });
      off += (len + 3) & ~3;
    }
    this.datagrams.push(reqs);
    for (const r of reqs) {
      if ([...this.outstanding.values()].some((o) => o.flags & 0x300) || (r.flags & 0x300 && this.outstanding.size > 0)) this.dumpOverlaps++;
      this.outstanding.set(r.seq, r);
    }
    this.inFlight = this.outstanding.size;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    const replies: Buffer[] = [];
    for (const r of reqs) {
      const rep = this.respond(r);
      if (rep === 'drop') continue;
      // As the kernel (netlink_rcv_skb): a success is acknowledged only when NLM_F_ACK asks for
      // it; an error always is. A request answered with nothing is done once sendmsg returns.
      const sent = r.flags & (ACK_FLAG | 0x300) ? rep : rep.filter((b) => !isPlainAck(b));
      if (sent.length === 0) this.outstanding.delete(r.seq);
      replies.push(...sent);
    }
    this.inFlight = this.outstanding.size;
    this.replyDatagrams += replies.length;
    const deliver = (): void => {
      for (const b of replies) {
        if (!this.open) return;
        // the request is answered once its final message (ACK/ERROR/DONE) is delivered
        for (let off = 0; off + 16 <= b.length;) {
          const type = b.readUInt16LE(off + 4);
          if (type === 2 || type === 3) this.outstanding.delete(b.readUInt32LE(off + 8));
          off += (b.readUInt32LE(off) + 3) & ~3;
        }
        this.inFlight = this.outstanding.size;
        this.events?.onMessage(b);
      }
    };
    if (this.repliesBeforeSendCallback) setImmediate(() => { deliver(); cb(); });
    else setImmediate(() => { cb(); setImmediate(deliver); });
  }
}
