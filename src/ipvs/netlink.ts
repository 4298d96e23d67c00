/**
 * Generic netlink framing, pure (no sockets): attribute writer/reader, nlmsghdr + genlmsghdr
 * encoding, and splitting a received datagram into messages.
 *
 *   nlmsghdr (16)                 genlmsghdr (4)      attributes
 *   +--------+------+-------+-----+-----+---------+---+-------------------------------+
 *   | len u32|type16|flags16|seq32|pid32| cmd u8  |ver| len16 type16 payload pad4 ... |
 *   +--------+------+-------+-----+-----+---------+---+-------------------------------+
 *
 * Layout matches what the `netlink` package's AttrStream produced in the kernel-accepted
 * prototype (ipvs-netlink.md §5): a nest's nla_len and the message's nlmsg_len exclude the
 * padding after their last attribute; the buffers themselves are always 4-byte padded, so
 * messages can be concatenated into one datagram as they are.
 */
import { IpvsError } from '../util/errors.js';
import { GENL_HDRLEN, NLA_HDRLEN, NLA_TYPE_MASK, NLMSG_HDRLEN, NlMsgType } from './constants.js';

const align4 = (n: number): number => (n + 3) & ~3;

/** Attrs builds a netlink attribute list; every method returns `this` for chaining. */
export class Attrs {
  private readonly parts: Buffer[] = [];
  private total = 0;
  private lastPad = 0;

  /** bytes appends one attribute with a raw payload. */
  bytes(type: number, payload: Uint8Array): this {
    const len = NLA_HDRLEN + payload.length;
    const buf = Buffer.alloc(align4(len));
    buf.writeUInt16LE(len, 0);
    buf.writeUInt16LE(type, 2);
    buf.set(payload, NLA_HDRLEN);
    return this.push(buf, buf.length - len);
  }
  u8(type: number, v: number): this { return this.bytes(type, Buffer.of(v & 0xff)); }
  u16(type: number, v: number): this { const b = Buffer.alloc(2); b.writeUInt16LE(v & 0xffff); return this.bytes(type, b); }
  /** be16 writes network order (ports). */
  be16(type: number, v: number): this { const b = Buffer.alloc(2); b.writeUInt16BE(v & 0xffff); return this.bytes(type, b); }
  /** u32 writes host (little-endian) order; negative numbers wrap, as the kernel reads an int. */
  u32(type: number, v: number): this { const b = Buffer.alloc(4); b.writeUInt32LE(v >>> 0); return this.bytes(type, b); }
  u64(type: number, v: bigint): this { const b = Buffer.alloc(8); b.writeBigUInt64LE(BigInt.asUintN(64, v)); return this.bytes(type, b); }
  /** str writes a NUL-terminated string (NLA_NUL_STRING). */
  str(type: number, s: string): this { return this.bytes(type, Buffer.from(`${s}\0`, 'utf8')); }

  /** nest appends a nested attribute (no NLA_F_NESTED bit: IPVS parses with the deprecated, lenient parser). */
  nest(type: number, fill: (a: Attrs) => void): this {
    const child = new Attrs();
    fill(child);
    const body = child.toBuffer();
    const hdr = Buffer.alloc(NLA_HDRLEN);
    hdr.writeUInt16LE(NLA_HDRLEN + child.length, 0);
    hdr.writeUInt16LE(type, 2);
    return this.push(Buffer.concat([hdr, body]), child.lastPad);
  }

  /** length is the attribute list's length without the padding after the last attribute. */
  get length(): number { return this.total - this.lastPad; }

  /** toBuffer returns the padded bytes. */
  toBuffer(): Buffer { return Buffer.concat(this.parts, this.total); }

  private push(buf: Buffer, pad: number): this {
    this.parts.push(buf);
    this.total += buf.length;
    this.lastPad = pad;
    return this;
  }
}

/** Attr is one decoded attribute: type without the NESTED/BYTEORDER bits, payload as a view. */
export interface Attr { readonly type: number; readonly data: Buffer }

/** parseAttrs decodes an attribute list into a map type -> payload (last one wins). */
export function parseAttrs(buf: Buffer): Map<number, Buffer> {
  const out = new Map<number, Buffer>();
  scanAttrs(buf, 0, buf.length, (type, off, len) => { out.set(type, buf.subarray(off, off + len)); });
  return out;
}

/**
 * scanAttrs walks the attribute list in buf[start, end) and calls visit(type, payloadOffset,
 * payloadLength) for each, in order, without allocating: a dump of 10,000 dests holds about
 * 500,000 attributes, and a Buffer view per attribute made the garbage collector the largest cost
 * of reading the table. Malformed lists throw as parseAttrs does (offsets relative to start).
 */
export function scanAttrs(buf: Buffer, start: number, end: number, visit: (type: number, off: number, len: number) => void): void {
  let off = start;
  while (off + NLA_HDRLEN <= end) {
    const len = buf.readUInt16LE(off);
    const type = buf.readUInt16LE(off + 2) & NLA_TYPE_MASK;
    if (len < NLA_HDRLEN || off + len > end) {
      throw new IpvsError('LD_ERR_NETLINK_MALFORMED', `malformed netlink attribute at offset ${off - start} (len ${len}, ${end - start} bytes)`);
    }
    visit(type, off + NLA_HDRLEN, len - NLA_HDRLEN);
    off += align4(len);
  }
}

/** lastAttr returns the payload of the last attribute of `type` (undefined if none), as a view. */
export function lastAttr(buf: Buffer, type: number): Buffer | undefined {
  let at = -1;
  let n = 0;
  scanAttrs(buf, 0, buf.length, (t, off, len) => { if (t === type) { at = off; n = len; } });
  return at < 0 ? undefined : buf.subarray(at, at + n);
}

/** GenlHeader is what frames one generic-netlink request. */
export interface GenlHeader {
  /** nlmsg_type: the resolved family id. */
  readonly family: number;
  readonly flags: number;
  readonly seq: number;
  /** nlmsg_pid: 0 lets the kernel fill in our port. */
  readonly pid?: number;
  readonly cmd: number;
  readonly version: number;
}

/** encodeGenl frames an attribute list as nlmsghdr + genlmsghdr + attributes (4-byte padded buffer). */
export function encodeGenl(h: GenlHeader, attrs: Attrs): Buffer {
  const body = attrs.toBuffer();
  const hdr = Buffer.alloc(NLMSG_HDRLEN + GENL_HDRLEN);
  hdr.writeUInt32LE(NLMSG_HDRLEN + GENL_HDRLEN + attrs.length, 0);
  hdr.writeUInt16LE(h.family, 4);
  hdr.writeUInt16LE(h.flags, 6);
  hdr.writeUInt32LE(h.seq >>> 0, 8);
  hdr.writeUInt32LE((h.pid ?? 0) >>> 0, 12);
  hdr.writeUInt8(h.cmd, 16);
  hdr.writeUInt8(h.version, 17);
  return Buffer.concat([hdr, body]);
}

/** NlMessage is one message of a received datagram. */
export type NlMessage =
  /** NLMSG_ERROR: errno 0 is an ACK; otherwise the positive errno of the request with `seq`. */
  | { readonly kind: 'error'; readonly seq: number; readonly pid: number; readonly flags: number; readonly errno: number }
  /** NLMSG_DONE ends a dump; a non-zero errno is the dump's own failure. */
  | { readonly kind: 'done'; readonly seq: number; readonly pid: number; readonly flags: number; readonly errno: number }
  /** A generic-netlink data message (a dump entry or a doit reply). */
  | { readonly kind: 'data'; readonly type: number; readonly seq: number; readonly pid: number; readonly flags: number;
      readonly cmd: number; readonly version: number; readonly attrs: Buffer }
  | { readonly kind: 'other'; readonly type: number; readonly seq: number; readonly pid: number; readonly flags: number };

/** decodeMessages splits a datagram into its netlink messages (the kernel packs many per recvmsg). */
export function decodeMessages(buf: Buffer): NlMessage[] {
  const out: NlMessage[] = [];
  let off = 0;
  while (off + NLMSG_HDRLEN <= buf.length) {
    const len = buf.readUInt32LE(off);
    if (len < NLMSG_HDRLEN || off + len > buf.length) {
      throw new IpvsError('LD_ERR_NETLINK_MALFORMED', `malformed netlink message at offset ${off} (len ${len}, ${buf.length} bytes)`);
    }
    const type = buf.readUInt16LE(off + 4);
    const flags = buf.readUInt16LE(off + 6);
    const seq = buf.readUInt32LE(off + 8);
    const pid = buf.readUInt32LE(off + 12);
    const body = buf.subarray(off + NLMSG_HDRLEN, off + len);
    if (type === NlMsgType.ERROR || type === NlMsgType.DONE) {
      // Both start with an int error; DONE may be bare (len 16) on old kernels.
      const err = body.length >= 4 ? body.readInt32LE(0) : 0;
      out.push({ kind: type === NlMsgType.ERROR ? 'error' : 'done', seq, pid, flags, errno: err === 0 ? 0 : -err });
    } else if (type >= 0x10 && body.length >= GENL_HDRLEN) {
      out.push({ kind: 'data', type, seq, pid, flags, cmd: body[0]!, version: body[1]!, attrs: body.subarray(GENL_HDRLEN) });
    } else {
      out.push({ kind: 'other', type, seq, pid, flags });
    }
    off += align4(len);
  }
  return out;
}
