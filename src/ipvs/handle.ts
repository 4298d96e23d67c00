/**
 * NetlinkIpvs is the kernel implementation of IpvsHandle: the codec (codec.ts) over the
 * transport (socket.ts). openIpvs resolves the "IPVS" generic-netlink family and checks
 * permission with one GET_INFO, so a handle that opens is a handle that works.
 */
import { constants as os } from 'node:os';
import { systemClock, type Clock } from '../util/clock.js';
import { IpvsError, LdError } from '../util/errors.js';
import { nullLogger, type Logger } from '../util/log.js';
import {
  decodeConfig, decodeDaemon, decodeDest, decodeInfo, decodeService, encodeOp, frameRequest, IpvsRequests,
  type IpvsRequest, type IpvsSyncDaemon,
} from './codec.js';
import { CtrlAttr, CtrlCmd, GENL_ID_CTRL, IPVS_GENL_NAME, NlmF } from './constants.js';
import { ipvsError, errnoName } from './errno.js';
import { Attrs, encodeGenl, parseAttrs } from './netlink.js';
import { netlinkPackageSocket, type RawSocketFactory } from './rawsocket.js';
import { NetlinkTransport, type NlData, type NlRequest, type NlResult } from './socket.js';
import type { IpvsDest, IpvsHandle, IpvsInfo, IpvsOp, IpvsService, IpvsTimeouts, OpResult, ServiceKey, SyncState } from './types.js';
import { hostPort } from '../util/address.js';

/** OpenIpvsOptions tune the transport; socketFactory is the test seam (a fake kernel). */
export interface OpenIpvsOptions {
  /** Stall deadline per request: no reply progress for this long fails it (default 5000 ms). */
  readonly timeoutMs?: number;
  /** Max replies in flight (default 256; capped by the granted SO_RCVBUF / 2048: 208 with the default rmem_max). */
  readonly window?: number;
  /** SO_RCVBUF to ask for (default 4 MiB; the kernel caps it at net.core.rmem_max). */
  readonly rcvbuf?: number;
  /** Max jobs queued behind the running one before LD_ERR_NETLINK_BUSY (default 10000). */
  readonly maxQueue?: number;
  /**
   * apply() frames its writes without NLM_F_ACK but for the last of each datagram (default true):
   * one reply to read per datagram instead of one per write (failures are still answered one by
   * one). false: every write asks for its own ACK.
   */
  readonly quietWrites?: boolean;
  readonly logger?: Logger;
  readonly clock?: Clock;
  readonly socketFactory?: RawSocketFactory;
}

/** IPVS_UNAVAILABLE_MESSAGE / IPVS_PERMISSION_MESSAGE are the two texts an operator sees at start-up. */
export const IPVS_UNAVAILABLE_MESSAGE = 'IPVS not available: load the ip_vs module (modprobe ip_vs)';
export const IPVS_PERMISSION_MESSAGE = 'IPVS needs CAP_NET_ADMIN (run as root)';

/** openIpvs opens a netlink socket, resolves the IPVS family and verifies access. */
export async function openIpvs(opts: OpenIpvsOptions = {}): Promise<NetlinkIpvs> {
  const transport = new NetlinkTransport({
    timeoutMs: opts.timeoutMs ?? 5000, window: opts.window ?? 256, rcvbuf: opts.rcvbuf ?? 4 * 1024 * 1024,
    maxQueue: opts.maxQueue ?? 10000, logger: opts.logger ?? nullLogger, clock: opts.clock ?? systemClock(),
    socketFactory: opts.socketFactory ?? netlinkPackageSocket,
  });
  try {
    const [r] = await transport.run([{
      dump: false,
      build: (seq) => encodeGenl({ family: GENL_ID_CTRL, flags: NlmF.REQUEST | NlmF.ACK, seq, cmd: CtrlCmd.GETFAMILY, version: 1 },
        new Attrs().str(CtrlAttr.FAMILY_NAME, IPVS_GENL_NAME)),
    }]);
    const family = familyId(r!);
    const handle = new NetlinkIpvs(transport, family, opts.quietWrites ?? true);
    await handle.info().catch((e: unknown) => {
      throw isPermission(e) ? new IpvsError('LD_ERR_IPVS_PERMISSION', IPVS_PERMISSION_MESSAGE, { cause: e }) : e;
    });
    return handle;
  } catch (e) {
    transport.close();
    throw e;
  }
}

function familyId(r: NlResult): number {
  if (r.ok) {
    const id = parseAttrs(r.messages[0]?.attrs ?? Buffer.alloc(0)).get(CtrlAttr.FAMILY_ID);
    if (id && id.length >= 2) return id.readUInt16LE(0);
    throw new IpvsError('LD_ERR_NETLINK_MALFORMED', 'generic netlink controller reply without a family id');
  }
  if (r.error) throw r.error;
  if (r.errno === os.errno.ENOENT) throw new IpvsError('LD_ERR_IPVS_UNAVAILABLE', IPVS_UNAVAILABLE_MESSAGE);
  if (r.errno === os.errno.EPERM || r.errno === os.errno.EACCES) throw new IpvsError('LD_ERR_IPVS_PERMISSION', IPVS_PERMISSION_MESSAGE);
  throw new IpvsError('LD_ERR_IPVS_KERNEL', `generic netlink family lookup failed: ${errnoName(r.errno)}`);
}

const isPermission = (e: unknown): boolean => e instanceof LdError && e.code === 'LD_ERR_IPVS_PERMISSION';

/** describeKey prints a service the way ipvsadm names it in -S output (for error messages). */
export function describeKey(k: ServiceKey): string {
  if (k.fwmark !== undefined) return `fwmark ${k.fwmark}${k.family === 6 ? ' IPv6' : ''}`;
  return `${k.protocol} ${hostPort(k.family, k.address, k.port)}`;
}
const describeDest = (d: Pick<IpvsDest, 'address' | 'port'>): string => hostPort(undefined, d.address, d.port);
const describeOp = (op: IpvsOp): string =>
  'service' in op ? `${op.op} ${describeKey(op.service.key)}`
    : 'dest' in op ? `${op.op} ${describeKey(op.key)} -> ${describeDest(op.dest)}` : `${op.op} ${describeKey(op.key)}`;

/** NetlinkIpvs implements IpvsHandle over generic netlink; construct it with openIpvs. */
export class NetlinkIpvs implements IpvsHandle {
  private writeCount = 0;

  constructor(private readonly transport: NetlinkTransport, readonly familyId: number, private readonly quietWrites = true) {}

  get writes(): number { return this.writeCount; }
  /** window is the effective bound on replies in flight (after the SO_RCVBUF cap). */
  get window(): number { return this.transport.effectiveWindow; }

  async info(): Promise<IpvsInfo> { return decodeInfo(this.single(await this.one(IpvsRequests.getInfo(), 'get info'))); }
  async listServices(): Promise<IpvsService[]> {
    return (await this.one(IpvsRequests.getServices(), 'list services')).map((m) => decodeService(m.attrs));
  }
  async listDests(key: ServiceKey): Promise<IpvsDest[]> {
    return (await this.one(IpvsRequests.getDests(key), `list dests of ${describeKey(key)}`)).map((m) => decodeDest(m.attrs, key.family));
  }
  /** getService fetches one service (ESRCH -> LD_ERR_IPVS_NO_SERVICE). */
  async getService(key: ServiceKey): Promise<IpvsService> {
    return decodeService(this.single(await this.one(IpvsRequests.getService(key), `get ${describeKey(key)}`)));
  }

  async apply(ops: readonly IpvsOp[]): Promise<OpResult[]> {
    const results: (OpResult | undefined)[] = new Array(ops.length);
    const reqs: NlRequest[] = [];
    const sent: { index: number; req: IpvsRequest }[] = [];
    ops.forEach((op, index) => {
      try {
        const req = encodeOp(op);
        sent.push({ index, req });
        reqs.push(this.write(req, true, this.quietWrites));
      } catch (e) {
        // Input the kernel would refuse (bad address text...) fails here, without a round trip.
        results[index] = { ok: false, error: e instanceof LdError ? e : new IpvsError('LD_ERR_IPVS_INVALID', String(e)) };
      }
    });
    const replies = await this.transport.run(reqs);
    replies.forEach((r, i) => {
      const { index, req } = sent[i]!;
      results[index] = r.ok ? { ok: true } : { ok: false, error: r.error ?? ipvsError(r.errno, describeOp(ops[index]!), req.destOp) };
    });
    return results as OpResult[];
  }

  async getTimeouts(): Promise<IpvsTimeouts> { return decodeConfig(this.single(await this.one(IpvsRequests.getConfig(), 'get timeouts'))); }
  async setTimeouts(t: Partial<IpvsTimeouts>): Promise<void> { await this.one(IpvsRequests.setConfig(t), 'set timeouts', true); }
  async flush(): Promise<void> { await this.one(IpvsRequests.flush(), 'flush', true); }
  async zero(key?: ServiceKey): Promise<void> { await this.one(IpvsRequests.zero(key), key ? `zero ${describeKey(key)}` : 'zero', true); }

  /** startDaemon starts a connection-sync daemon (ipvsadm --start-daemon). */
  async startDaemon(d: IpvsSyncDaemon): Promise<void> { await this.one(IpvsRequests.newDaemon(d), `start ${d.state} sync daemon`, true); }
  /** stopDaemon stops the master or backup sync daemon. */
  async stopDaemon(state: SyncState): Promise<void> { await this.one(IpvsRequests.delDaemon(state), `stop ${state} sync daemon`, true); }
  /** listDaemons dumps the running sync daemons. */
  async listDaemons(): Promise<IpvsSyncDaemon[]> { return (await this.one(IpvsRequests.getDaemons(), 'list sync daemons')).map((m) => decodeDaemon(m.attrs)); }

  async close(): Promise<void> { this.transport.close(); }

  /** write frames one request; `quiet` (apply's batches): no ACK asked unless last in its datagram. */
  private write(req: IpvsRequest, counted = true, quiet = false): NlRequest {
    return { dump: req.dump, quiet, build: (seq) => { if (counted) this.writeCount++; return frameRequest(req, { family: this.familyId, seq, quiet }); } };
  }

  /** one runs a single request and throws its typed error. */
  private async one(req: IpvsRequest, what: string, isWrite = false): Promise<readonly NlData[]> {
    const [r] = await this.transport.run([this.write(req, isWrite)]);
    if (r!.ok) return r!.messages;
    throw r!.error ?? ipvsError(r!.errno, what, req.destOp);
  }

  private single(msgs: readonly NlData[]): Buffer {
    const m = msgs[0];
    if (!m) throw new IpvsError('LD_ERR_NETLINK_MALFORMED', 'IPVS reply without data');
    return m.attrs;
  }
}
