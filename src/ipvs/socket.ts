/**
 * NetlinkTransport moves pre-encoded netlink requests over one RawSocket and matches replies by
 * seq. It is where the `netlink` package's abort hazards are fenced off (docs/ipvs.md):
 *  - replies in flight never exceed `window` (sized from the granted SO_RCVBUF), so the kernel
 *    never overruns the receive queue (ENOBUFS sets sk_err -> EPOLLERR -> abort in the addon);
 *  - quiet writes (NlRequest.quiet) are framed without NLM_F_ACK and the transport sets it on the
 *    last message of each datagram: the kernel runs a datagram's messages in order inside sendmsg
 *    and answers every failure whatever the flags, so the last message's reply closes the group and
 *    a datagram of N successful writes costs one reply to read instead of N (the window still counts
 *    one possible reply per message: all of them may fail);
 *  - a dump runs alone on the socket, and only one job (batch or dump) runs at a time;
 *  - waiters are registered before send (ACKs can beat the send callback);
 *  - every job has a stall deadline: no reply progress within timeoutMs fails what is pending
 *    with LD_ERR_NETLINK_TIMEOUT and drops the socket, so late replies cannot land anywhere;
 *  - a socket error fails pending requests with LD_ERR_NETLINK_CLOSED; the next job reopens;
 *  - the socket is ref'd only while a job runs and closed on process 'exit', so Node never
 *    tears down with work queued in the addon.
 */
import { randomInt } from 'node:crypto';
import type { Clock, TimerHandle } from '../util/clock.js';
import { IpvsError, LdError } from '../util/errors.js';
import type { Logger } from '../util/log.js';
import { decodeMessages, type NlMessage } from './netlink.js';
import type { RawSocket, RawSocketFactory } from './rawsocket.js';

/**
 * NlRequest is one message to send; `build` frames it with the seq the transport picks. `quiet`:
 * a write framed without NLM_F_ACK (no reply when it succeeds); the transport asks for the ACK on
 * the last message of each datagram.
 */
export interface NlRequest { readonly build: (seq: number) => Buffer; readonly dump: boolean; readonly quiet?: boolean }
export type NlData = Extract<NlMessage, { kind: 'data' }>;
/** NlResult: the data messages of a success, the kernel's errno, or a transport failure. */
export type NlResult =
  | { readonly ok: true; readonly messages: readonly NlData[] }
  | { readonly ok: false; readonly errno: number; readonly error?: undefined }
  | { readonly ok: false; readonly error: LdError; readonly errno?: undefined };

export interface TransportOptions {
  readonly timeoutMs: number;
  readonly window: number;
  readonly rcvbuf: number;
  readonly maxQueue: number;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly socketFactory: RawSocketFactory;
}

/** Receive-queue cost budgeted per reply: an error ACK echoing our largest request has a truesize of
 *  about 1.3 KiB; 2 KiB leaves margin (docs/ipvs.md: window 400 of such replies aborted, 277 did not). */
const REPLY_COST = 2048;
const DEFAULT_RCVBUF = 212992;
/** Well under SO_SNDBUF (212992) and the 1024-iovec/EMSGSIZE limits seen with the package. */
const MAX_DATAGRAM = 65536;
/** nlmsg_flags sits at byte 6 of the header; NLM_F_ACK asks the kernel to acknowledge a success. */
const FLAGS_OFFSET = 6;
const NLM_F_ACK = 0x4;

/** Waiter is one request in flight; `quiet` lists the quiet writes of its datagram its final reply settles. */
interface Waiter { readonly seq: number; readonly index: number; readonly dump: boolean; readonly messages: NlData[]; quiet?: Waiter[] }
interface Job {
  readonly reqs: readonly NlRequest[];
  readonly results: NlResult[];
  next: number;
  failure: LdError | undefined;
  readonly resolve: () => void;
}

export class NetlinkTransport {
  /** sent counts messages handed to the kernel (the handle's `writes` counts only writes). */
  sent = 0;
  private sock: RawSocket | undefined;
  private generation = 0;
  private seq = randomInt(1, 2 ** 30);
  private readonly pending = new Map<number, Waiter>();
  private dumpInFlight = false;
  private job: Job | undefined;
  private tail: Promise<unknown> = Promise.resolve();
  private queued = 0;
  private closed = false;
  private timer: TimerHandle | undefined;
  private window: number;
  private readonly exitHook = (): void => this.dropSocket();

  constructor(private readonly o: TransportOptions) {
    this.window = Math.max(1, o.window);
  }

  /** effectiveWindow is the bound on replies in flight, after capping by the granted SO_RCVBUF. */
  get effectiveWindow(): number { return this.window; }

  /** run sends the requests in order (pipelined, batched) and resolves one result per request; never rejects. */
  run(reqs: readonly NlRequest[]): Promise<NlResult[]> {
    if (this.closed) return Promise.resolve(reqs.map(() => failed(new IpvsError('LD_ERR_NETLINK_CLOSED', 'IPVS handle is closed'))));
    if (this.queued >= this.o.maxQueue) {
      return Promise.resolve(reqs.map(() => failed(new IpvsError('LD_ERR_NETLINK_BUSY', `netlink queue full (${this.queued} jobs waiting)`))));
    }
    this.queued++;
    const p = this.tail.then(() => this.execute(reqs)).finally(() => { this.queued--; });
    this.tail = p.catch(() => {});
    return p;
  }

  /** close fails whatever is pending with LD_ERR_NETLINK_CLOSED and releases the socket. */
  close(): void {
    this.closed = true;
    this.fail(new IpvsError('LD_ERR_NETLINK_CLOSED', 'IPVS handle closed'));
    this.dropSocket();
  }

  private async execute(reqs: readonly NlRequest[]): Promise<NlResult[]> {
    if (reqs.length === 0) return [];
    if (this.closed) return reqs.map(() => failed(new IpvsError('LD_ERR_NETLINK_CLOSED', 'IPVS handle closed')));
    let sock: RawSocket;
    try {
      sock = await this.open();
    } catch (e) {
      const err = new IpvsError('LD_ERR_NETLINK_CLOSED', `cannot open a generic netlink socket: ${(e as Error).message}`, { cause: e });
      return reqs.map(() => failed(err));
    }
    const results = new Array<NlResult>(reqs.length);
    sock.ref();
    try {
      await new Promise<void>((resolve) => {
        this.job = { reqs, results, next: 0, failure: undefined, resolve };
        this.pump();
      });
    } finally {
      this.job = undefined;
      this.sock?.unref();
    }
    return results;
  }

  private async open(): Promise<RawSocket> {
    if (this.sock) return this.sock;
    const gen = ++this.generation;
    const sock = await this.o.socketFactory({
      onMessage: (d) => { if (gen === this.generation) this.onDatagram(d); },
      onError: (e) => { if (gen === this.generation) this.onSocketError(e); },
    });
    // close() ran while the factory was opening: this socket would never be closed, and its
    // replies are already ignored (stale generation), so the job could only time out.
    if (this.closed || gen !== this.generation) {
      sock.close();
      throw new IpvsError('LD_ERR_NETLINK_CLOSED', 'IPVS handle closed while the socket was opening');
    }
    const granted = sock.setRecvBufferSize(this.o.rcvbuf) || DEFAULT_RCVBUF;
    this.window = Math.max(1, Math.min(this.o.window, Math.floor(granted / REPLY_COST)));
    this.sock = sock;
    process.on('exit', this.exitHook);
    this.o.logger.debug(`ipvs: netlink socket open (rcvbuf ${granted}, window ${this.window})`, 3);
    return sock;
  }

  /** pump sends as much of the running job as the window allows and resolves it when all replied. */
  private pump(): void {
    const job = this.job;
    if (!job) return;
    if (job.failure) {
      for (; job.next < job.reqs.length; job.next++) job.results[job.next] = failed(job.failure);
    }
    const chunkMax = Math.max(1, Math.ceil(this.window / 2));
    while (this.sock && !job.failure && job.next < job.reqs.length && !this.dumpInFlight) {
      const room = this.window - this.pending.size;
      const first = job.reqs[job.next]!;
      if (first.dump ? this.pending.size > 0 : room < Math.min(chunkMax, job.reqs.length - job.next)) break;
      const chunk: Waiter[] = [];
      const bufs: Buffer[] = [];
      const quiet: Waiter[] = [];
      let bytes = 0;
      while (job.next < job.reqs.length && chunk.length < Math.min(room, chunkMax)) {
        const req = job.reqs[job.next]!;
        if (req.dump && chunk.length > 0) break;
        const seq = this.nextSeq();
        const buf = req.build(seq);
        if (chunk.length > 0 && bytes + buf.length > MAX_DATAGRAM) break;
        const w: Waiter = { seq, index: job.next, dump: req.dump, messages: [] };
        chunk.push(w);
        if (req.quiet) quiet.push(w);
        bufs.push(buf);
        bytes += buf.length;
        job.next++;
        if (req.dump) break;
      }
      const last = bufs[bufs.length - 1]!;
      if (quiet.length > 0) {
        // The last message's reply (ACK or error) is queued after every reply of the messages
        // before it, so when it is read the quiet writes without an error reply have succeeded.
        last.writeUInt16LE(last.readUInt16LE(FLAGS_OFFSET) | NLM_F_ACK, FLAGS_OFFSET);
        const closer = chunk[chunk.length - 1]!;
        closer.quiet = quiet.filter((w) => w !== closer);
      }
      this.send(this.sock, chunk, Buffer.concat(bufs, bytes));
    }
    if (job.next >= job.reqs.length && this.pending.size === 0) job.resolve();
  }

  private send(sock: RawSocket, chunk: Waiter[], datagram: Buffer): void {
    // Waiters first: the ACKs of a batch can be read before the send callback runs.
    for (const w of chunk) this.pending.set(w.seq, w);
    if (chunk.some((w) => w.dump)) this.dumpInFlight = true;
    this.sent += chunk.length;
    this.armTimer();
    sock.send(datagram, (err) => {
      if (err && sock === this.sock) this.onSocketError(err);
    });
  }

  private onDatagram(d: Buffer): void {
    let msgs: NlMessage[];
    try {
      msgs = decodeMessages(d);
    } catch (e) {
      this.fail(e as LdError);
      this.dropSocket();
      return;
    }
    let progress = false;
    for (const m of msgs) {
      const w = this.pending.get(m.seq);
      if (!w) { this.o.logger.debug(`ipvs: netlink reply for unknown seq ${m.seq} ignored`, 3); continue; }
      progress = true;
      if (m.kind === 'data') w.messages.push(m);
      else if (m.kind === 'error' || m.kind === 'done') this.finish(w, m.errno === 0 ? { ok: true, messages: w.messages } : { ok: false, errno: m.errno });
    }
    if (progress) this.armTimer();
    this.pump();
  }

  private finish(w: Waiter, r: NlResult): void {
    if (!this.pending.delete(w.seq)) return;
    if (w.dump) this.dumpInFlight = false;
    if (this.job) this.job.results[w.index] = r;
    // A kernel reply closes its datagram: quiet writes still pending got no error, so they landed.
    // (A transport failure closes them too, but each with the failure: see fail().)
    if (w.quiet && (r.ok || r.errno !== undefined)) for (const q of w.quiet) this.finish(q, { ok: true, messages: q.messages });
  }

  private onSocketError(e: Error): void {
    this.o.logger.warn(`ipvs: netlink socket error: ${e.message}; reopening on the next request`);
    this.fail(new IpvsError('LD_ERR_NETLINK_CLOSED', `netlink socket error: ${e.message}`, { cause: e }));
    this.dropSocket();
  }

  /**
   * stalled: the stall deadline passed. Judged after this turn's I/O when the clock can: after a
   * long turn (a starved host) the replies may be waiting in the socket, and the timers phase
   * runs before the poll phase that reads them; progress read there re-arms the timer.
   */
  private stalled(): void {
    const afterIo = this.o.clock.afterIo;
    if (!afterIo) { this.onTimeout(); return; }
    const generation = this.generation;
    afterIo.call(this.o.clock, () => { if (!this.timer && generation === this.generation) this.onTimeout(); });
  }

  private onTimeout(): void {
    if (this.pending.size === 0) return;
    const n = this.pending.size;
    this.fail(new IpvsError('LD_ERR_NETLINK_TIMEOUT', `no reply from the kernel within ${this.o.timeoutMs} ms (${n} request(s) outstanding)`));
    // Drop the socket so replies that arrive late cannot be matched to a future request.
    this.dropSocket();
  }

  /** fail ends every pending request and the rest of the running job with `err`. */
  private fail(err: LdError): void {
    for (const w of this.pending.values()) this.finish(w, failed(err));
    if (this.job && !this.job.failure) this.job.failure = err;
    this.pump();
  }

  private dropSocket(): void {
    this.generation++;
    if (this.timer) { this.o.clock.clearTimeout(this.timer); this.timer = undefined; }
    process.off('exit', this.exitHook);
    const s = this.sock;
    this.sock = undefined;
    s?.close();
  }

  private armTimer(): void {
    if (this.timer) this.o.clock.clearTimeout(this.timer);
    this.timer = this.pending.size > 0 ? this.o.clock.setTimeout(() => { this.timer = undefined; this.stalled(); }, this.o.timeoutMs) : undefined;
  }

  private nextSeq(): number {
    this.seq = this.seq >= 0x7fffffff ? 1 : this.seq + 1;
    return this.seq;
  }
}

const failed = (error: LdError): NlResult => ({ ok: false, error });
