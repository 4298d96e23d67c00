/**
 * The IPVS generic-netlink codec, encode side: one function per command, pure (no sockets).
 * Decoders live in decode.ts and are re-exported here, so `codec.js` is the one import.
 * Attribute order and widths follow ipvs-netlink.md §5 (checked against the kernel's policy).
 */
import { IpvsError } from '../util/errors.js';
import { parseAddr, parseIPv4, parseIPv6 } from './addr.js';
import {
  AF_INET, AF_INET6, CmdAttr, ConnFwd, DaemonAttr, DaemonState, DestAttr, IPPROTO_SCTP, IPPROTO_TCP, IPPROTO_UDP,
  IPVS_GENL_VERSION, IpvsCmd, NlmF, SvcAttr, TunType,
} from './constants.js';
import { Attrs, encodeGenl } from './netlink.js';
import type {
  IpvsDest, IpvsFamily, IpvsForward, IpvsOp, IpvsProtocol, IpvsService, IpvsSyncDaemon, IpvsTimeouts, ServiceKey, SyncState,
} from './types.js';

export type { IpvsSyncDaemon } from './types.js';

export * from './decode.js';

/** IpvsRequest is one IPVS command before framing: the transport adds family id, seq and flags. */
export interface IpvsRequest {
  readonly cmd: number;
  readonly attrs: Attrs;
  /** dump requests get NLM_F_DUMP and end with NLMSG_DONE; the rest get NLM_F_ACK. */
  readonly dump: boolean;
  /** destOp marks dest commands, where ENOENT means "no such dest". */
  readonly destOp: boolean;
}

export const afOf = (f: IpvsFamily): number => (f === 4 ? AF_INET : AF_INET6);
export const protoNumber: Readonly<Record<IpvsProtocol, number>> = { tcp: IPPROTO_TCP, udp: IPPROTO_UDP, sctp: IPPROTO_SCTP };
export const fwdNumber: Readonly<Record<IpvsForward, number>> = {
  masq: ConnFwd.MASQ, local: ConnFwd.LOCALNODE, tunnel: ConnFwd.TUNNEL, route: ConnFwd.DROUTE, bypass: ConnFwd.BYPASS,
};
export const tunTypeNumber = { ipip: TunType.IPIP, gue: TunType.GUE, gre: TunType.GRE } as const;

/** putServiceId writes the identifying attributes: AF + (FWMARK | PROTOCOL + ADDR + PORT). */
export function putServiceId(a: Attrs, key: ServiceKey): Attrs {
  a.u16(SvcAttr.AF, afOf(key.family));
  if (key.fwmark !== undefined) return a.u32(SvcAttr.FWMARK, key.fwmark);
  return a.u16(SvcAttr.PROTOCOL, protoNumber[key.protocol])
    .bytes(SvcAttr.ADDR, parseAddr(key.address, key.family))
    .be16(SvcAttr.PORT, key.port);
}

/** putService writes a full service: the kernel answers EINVAL to NEW/SET without all of these. */
export function putService(a: Attrs, s: IpvsService): Attrs {
  putServiceId(a, s.key).str(SvcAttr.SCHED_NAME, s.scheduler);
  // struct ip_vs_flags { flags; mask }: mask ~0 makes the kernel take our flags as they are.
  const flags = Buffer.alloc(8);
  flags.writeUInt32LE(s.flags >>> 0, 0);
  flags.writeUInt32LE(0xffffffff, 4);
  a.bytes(SvcAttr.FLAGS, flags).u32(SvcAttr.TIMEOUT, s.timeout);
  // v4: a be32 mask; v6: a prefix length (ip_vs_genl_parse_service, ipvsadm -M).
  if (s.key.family === 4) a.bytes(SvcAttr.NETMASK, parseIPv4(s.netmask || '255.255.255.255'));
  else a.u32(SvcAttr.NETMASK, prefixLength(s.netmask));
  if (s.peName) a.str(SvcAttr.PE_NAME, s.peName);
  return a;
}

function prefixLength(netmask: string): number {
  const n = netmask === '' ? 128 : Number(netmask);
  if (!Number.isInteger(n) || n < 1 || n > 128) throw new IpvsError('LD_ERR_IPVS_INVALID', `invalid IPv6 netmask (prefix length): ${netmask}`);
  return n;
}

type DestId = Pick<IpvsDest, 'address' | 'port' | 'family'>;

/** putDestId writes the dest identity: ADDR + PORT + ADDR_FAMILY (default: the service's family). */
export function putDestId(a: Attrs, d: DestId, svcFamily: IpvsFamily): Attrs {
  const family = d.family ?? svcFamily;
  return a.bytes(DestAttr.ADDR, parseAddr(d.address, family)).be16(DestAttr.PORT, d.port)
    .u16(DestAttr.ADDR_FAMILY, afOf(family));
}

/** putDest writes a full dest: NEW/SET_DEST need forwarding, weight and both thresholds every time. */
export function putDest(a: Attrs, d: IpvsDest, svcFamily: IpvsFamily): Attrs {
  putDestId(a, d, svcFamily).u32(DestAttr.FWD_METHOD, fwdNumber[d.forward]).u32(DestAttr.WEIGHT, d.weight)
    .u32(DestAttr.U_THRESH, d.upperThreshold).u32(DestAttr.L_THRESH, d.lowerThreshold);
  if (d.tunType !== undefined) {
    a.u8(DestAttr.TUN_TYPE, tunTypeNumber[d.tunType]);
    if (d.tunPort !== undefined) a.be16(DestAttr.TUN_PORT, d.tunPort);
    if (d.tunFlags !== undefined) a.u16(DestAttr.TUN_FLAGS, d.tunFlags);
  }
  return a;
}

const write = (cmd: number, fill: (a: Attrs) => void, destOp = false): IpvsRequest => {
  const attrs = new Attrs();
  fill(attrs);
  return { cmd, attrs, dump: false, destOp };
};

/** encodeOp turns one IpvsOp into its request. */
export function encodeOp(op: IpvsOp): IpvsRequest {
  switch (op.op) {
    case 'addService':
    case 'editService':
      return write(op.op === 'addService' ? IpvsCmd.NEW_SERVICE : IpvsCmd.SET_SERVICE,
        (a) => a.nest(CmdAttr.SERVICE, (s) => putService(s, op.service)));
    case 'delService':
      return write(IpvsCmd.DEL_SERVICE, (a) => a.nest(CmdAttr.SERVICE, (s) => putServiceId(s, op.key)));
    case 'addDest':
    case 'editDest':
      return write(op.op === 'addDest' ? IpvsCmd.NEW_DEST : IpvsCmd.SET_DEST, (a) => a
        .nest(CmdAttr.SERVICE, (s) => putServiceId(s, op.key))
        .nest(CmdAttr.DEST, (d) => putDest(d, op.dest, op.key.family)), true);
    case 'delDest':
      return write(IpvsCmd.DEL_DEST, (a) => a
        .nest(CmdAttr.SERVICE, (s) => putServiceId(s, op.key))
        .nest(CmdAttr.DEST, (d) => putDestId(d, op.dest, op.key.family)), true);
  }
}

const dump = (cmd: number, fill: (a: Attrs) => void = () => {}): IpvsRequest => {
  const attrs = new Attrs();
  fill(attrs);
  return { cmd, attrs, dump: true, destOp: false };
};

/** IpvsRequests builds every non-op command. */
export const IpvsRequests = {
  /** getServices dumps all services (replies: cmd NEW_SERVICE, NLM_F_MULTI). */
  getServices: (): IpvsRequest => dump(IpvsCmd.GET_SERVICE),
  /** getService fetches one service (doit). */
  getService: (key: ServiceKey): IpvsRequest =>
    write(IpvsCmd.GET_SERVICE, (a) => a.nest(CmdAttr.SERVICE, (s) => putServiceId(s, key))),
  /** getDests dumps the dests of one service (GET_DEST exists only as a dump). */
  getDests: (key: ServiceKey): IpvsRequest =>
    dump(IpvsCmd.GET_DEST, (a) => a.nest(CmdAttr.SERVICE, (s) => putServiceId(s, key))),
  getInfo: (): IpvsRequest => write(IpvsCmd.GET_INFO, () => {}),
  getConfig: (): IpvsRequest => write(IpvsCmd.GET_CONFIG, () => {}),
  /** setConfig sends only the given timeouts; absent ones stay as they are in the kernel. */
  setConfig: (t: Partial<IpvsTimeouts>): IpvsRequest => write(IpvsCmd.SET_CONFIG, (a) => {
    if (t.tcp !== undefined) a.u32(CmdAttr.TIMEOUT_TCP, t.tcp);
    if (t.tcpFin !== undefined) a.u32(CmdAttr.TIMEOUT_TCP_FIN, t.tcpFin);
    if (t.udp !== undefined) a.u32(CmdAttr.TIMEOUT_UDP, t.udp);
  }),
  flush: (): IpvsRequest => write(IpvsCmd.FLUSH, () => {}),
  /** zero clears the counters of one service, or of everything without a key. */
  zero: (key?: ServiceKey): IpvsRequest => write(IpvsCmd.ZERO, (a) => {
    if (key) a.nest(CmdAttr.SERVICE, (s) => putServiceId(s, key));
  }),
  newDaemon: (d: IpvsSyncDaemon): IpvsRequest => write(IpvsCmd.NEW_DAEMON, (a) => a.nest(CmdAttr.DAEMON, (n) => {
    n.u32(DaemonAttr.STATE, d.state === 'master' ? DaemonState.MASTER : DaemonState.BACKUP)
      .str(DaemonAttr.MCAST_IFN, d.mcastIfn).u32(DaemonAttr.SYNC_ID, d.syncId);
    if (d.syncMaxLen !== undefined) n.u16(DaemonAttr.SYNC_MAXLEN, d.syncMaxLen);
    if (d.mcastGroup !== undefined) {
      if (d.mcastGroup.includes(':')) n.bytes(DaemonAttr.MCAST_GROUP6, parseIPv6(d.mcastGroup));
      else n.bytes(DaemonAttr.MCAST_GROUP, parseIPv4(d.mcastGroup));
    }
    if (d.mcastPort !== undefined) n.u16(DaemonAttr.MCAST_PORT, d.mcastPort);
    if (d.mcastTtl !== undefined) n.u8(DaemonAttr.MCAST_TTL, d.mcastTtl);
  })),
  delDaemon: (state: SyncState): IpvsRequest => write(IpvsCmd.DEL_DAEMON, (a) => a.nest(CmdAttr.DAEMON,
    (n) => n.u32(DaemonAttr.STATE, state === 'master' ? DaemonState.MASTER : DaemonState.BACKUP))),
  getDaemons: (): IpvsRequest => dump(IpvsCmd.GET_DAEMON),
} as const;

/**
 * frameRequest adds the netlink headers: REQUEST|ACK for commands, REQUEST|DUMP for dumps;
 * `quiet` leaves ACK out (the transport sets it on the last message of a datagram).
 */
export function frameRequest(req: IpvsRequest, h: { family: number; seq: number; pid?: number; quiet?: boolean }): Buffer {
  const flags = NlmF.REQUEST | (req.dump ? NlmF.DUMP : h.quiet ? 0 : NlmF.ACK);
  return encodeGenl({ family: h.family, flags, seq: h.seq, pid: h.pid ?? 0, cmd: req.cmd, version: IPVS_GENL_VERSION }, req.attrs);
}
