/**
 * The IPVS codec, decode side: kernel replies (dump entries and doit answers) to the types of
 * types.ts. The kernel always sends 16-byte addresses (union nf_inet_addr, v4 in bytes 0-3),
 * sets the internal HASHED flag on every service, and fills tunnel attributes on every dest
 * since 5.2; the decoders hide those three facts.
 */
import { IpvsError, LdError } from '../util/errors.js';
import { formatAddr, formatIPv4, formatIPv6 } from './addr.js';
import {
  AF_INET, AF_INET6, CmdAttr, ConnFwd, DaemonAttr, DaemonState, DestAttr, InfoAttr, IPPROTO_SCTP, IPPROTO_TCP,
  IPPROTO_UDP, StatsAttr, SvcAttr, SvcFlag, TunType,
} from './constants.js';
import { lastAttr, parseAttrs, scanAttrs } from './netlink.js';
import type { IpvsDest, IpvsFamily, IpvsForward, IpvsInfo, IpvsProtocol, IpvsService, IpvsStats, IpvsTimeouts, ServiceKey } from './types.js';
import type { IpvsSyncDaemon } from './types.js';

const bad = (what: string): LdError => new IpvsError('LD_ERR_NETLINK_MALFORMED', `malformed IPVS reply: ${what}`);

const u8 = (b: Buffer | undefined): number | undefined => (b && b.length >= 1 ? b.readUInt8(0) : undefined);
const u16 = (b: Buffer | undefined): number | undefined => (b && b.length >= 2 ? b.readUInt16LE(0) : undefined);
const be16 = (b: Buffer | undefined): number | undefined => (b && b.length >= 2 ? b.readUInt16BE(0) : undefined);
const u32 = (b: Buffer | undefined): number | undefined => (b && b.length >= 4 ? b.readUInt32LE(0) : undefined);
const str = (b: Buffer | undefined): string | undefined => {
  if (!b) return undefined;
  const nul = b.indexOf(0);
  return b.subarray(0, nul === -1 ? b.length : nul).toString('utf8');
};

/** familyFromAf maps AF_INET/AF_INET6 to 4/6. */
export function familyFromAf(af: number | undefined): IpvsFamily {
  if (af === AF_INET) return 4;
  if (af === AF_INET6) return 6;
  throw bad(`unknown address family ${af}`);
}

const protocols: Readonly<Record<number, IpvsProtocol>> = { [IPPROTO_TCP]: 'tcp', [IPPROTO_UDP]: 'udp', [IPPROTO_SCTP]: 'sctp' };
const forwards: readonly IpvsForward[] = ['masq', 'local', 'tunnel', 'route', 'bypass'];
const tunTypes = { [TunType.IPIP]: 'ipip', [TunType.GUE]: 'gue', [TunType.GRE]: 'gre' } as const;

/** decodeStats reads a STATS (10) or STATS64 (12) nest; every counter comes back as bigint. */
export function decodeStats(nest: Buffer): IpvsStats {
  return decodeStatsAt(nest, 0, nest.length);
}

/** numAt is `num` on a payload inside buf, without a view. */
const numAt = (buf: Buffer, off: number, len: number): bigint =>
  len >= 8 ? buf.readBigUInt64LE(off) : len >= 4 ? BigInt(buf.readUInt32LE(off)) : 0n;

/** decodeStatsAt reads a stats nest at buf[start, end) (the dump path: no views, no map). */
function decodeStatsAt(buf: Buffer, start: number, end: number): IpvsStats {
  // Last one wins, as with parseAttrs; an absent counter is 0.
  const v: bigint[] = [0n, 0n, 0n, 0n, 0n, 0n, 0n, 0n, 0n, 0n, 0n];
  scanAttrs(buf, start, end, (type, off, len) => { if (type >= StatsAttr.CONNS && type <= StatsAttr.OUTBPS) v[type] = numAt(buf, off, len); });
  return {
    conns: v[StatsAttr.CONNS]!, inPkts: v[StatsAttr.INPKTS]!, outPkts: v[StatsAttr.OUTPKTS]!,
    inBytes: v[StatsAttr.INBYTES]!, outBytes: v[StatsAttr.OUTBYTES]!,
    cps: v[StatsAttr.CPS]!, inPps: v[StatsAttr.INPPS]!, outPps: v[StatsAttr.OUTPPS]!,
    inBps: v[StatsAttr.INBPS]!, outBps: v[StatsAttr.OUTBPS]!,
  };
}

const statsOf = (a: Map<number, Buffer>, s32: number, s64: number): IpvsStats | undefined => {
  const b = a.get(s64) ?? a.get(s32);
  return b ? decodeStats(b) : undefined;
};

/** decodeServiceNest reads the attributes inside an IPVS_CMD_ATTR_SERVICE nest. */
export function decodeServiceNest(nest: Buffer): IpvsService {
  const a = parseAttrs(nest);
  const family = familyFromAf(u16(a.get(SvcAttr.AF)));
  const fwmark = u32(a.get(SvcAttr.FWMARK));
  let key: ServiceKey;
  if (fwmark) key = { family, fwmark };
  else {
    const protocol = protocols[u16(a.get(SvcAttr.PROTOCOL)) ?? -1];
    const addr = a.get(SvcAttr.ADDR);
    const port = be16(a.get(SvcAttr.PORT));
    if (!protocol || !addr || addr.length < (family === 4 ? 4 : 16) || port === undefined) throw bad('service without protocol/address/port');
    key = { family, protocol, address: formatAddr(addr, family), port };
  }
  const flagsRaw = a.get(SvcAttr.FLAGS);
  const mask = a.get(SvcAttr.NETMASK);
  const peName = str(a.get(SvcAttr.PE_NAME));
  const stats = statsOf(a, SvcAttr.STATS, SvcAttr.STATS64);
  return {
    key,
    scheduler: str(a.get(SvcAttr.SCHED_NAME)) ?? '',
    // HASHED (0x2) is set by the kernel on every service it holds: not part of the user's intent.
    flags: (u32(flagsRaw) ?? 0) & ~SvcFlag.HASHED,
    timeout: u32(a.get(SvcAttr.TIMEOUT)) ?? 0,
    netmask: family === 4 ? (mask && mask.length >= 4 ? formatIPv4(mask) : '255.255.255.255') : String(u32(mask) ?? 128),
    ...(peName ? { peName } : {}),
    ...(stats ? { stats } : {}),
  };
}

/** decodeService reads a GET_SERVICE reply message (top-level attributes). */
export function decodeService(attrs: Buffer): IpvsService {
  const nest = parseAttrs(attrs).get(CmdAttr.SERVICE);
  if (!nest) throw bad('no service attribute');
  return decodeServiceNest(nest);
}

/**
 * decodeDestNest reads an IPVS_CMD_ATTR_DEST nest. Without ADDR_FAMILY (kernels before 3.18)
 * the dest has the service's family. Tunnel attributes are kept for tunnel dests only: the
 * kernel reports ipip/0/0 for every dest, which is noise elsewhere. It reads the payloads in
 * place (scanAttrs): this runs once per dest of every dump, 10,000 times for a big table.
 */
export function decodeDestNest(nest: Buffer, svcFamily: IpvsFamily): IpvsDest {
  // Offsets of the last attribute of each type (-1: absent) and their lengths, as parseAttrs'
  // last-one-wins map would hold them.
  const at = [-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1];
  const ln = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
  scanAttrs(nest, 0, nest.length, (type, off, len) => { if (type < at.length) { at[type] = off; ln[type] = len; } });
  const has = (t: number, min: number): boolean => at[t]! >= 0 && ln[t]! >= min;
  const u32At = (t: number): number | undefined => (has(t, 4) ? nest.readUInt32LE(at[t]!) : undefined);
  const u16At = (t: number): number | undefined => (has(t, 2) ? nest.readUInt16LE(at[t]!) : undefined);
  const be16At = (t: number): number | undefined => (has(t, 2) ? nest.readUInt16BE(at[t]!) : undefined);

  const afRaw = u16At(DestAttr.ADDR_FAMILY);
  const family = afRaw ? familyFromAf(afRaw) : svcFamily;
  const port = be16At(DestAttr.PORT);
  if (!has(DestAttr.ADDR, family === 4 ? 4 : 16) || port === undefined) throw bad('dest without address/port');
  const a = at[DestAttr.ADDR]!;
  const forward = forwards[(u32At(DestAttr.FWD_METHOD) ?? 0) & ConnFwd.FWD_MASK];
  if (!forward) throw bad('unknown forwarding method');
  const tunRaw = has(DestAttr.TUN_TYPE, 1) ? nest[at[DestAttr.TUN_TYPE]!]! : undefined;
  const tunType = tunRaw === undefined ? undefined : tunTypes[tunRaw as 0 | 1 | 2];
  // STATS64 when the kernel sends it (3.x+), else the mixed-width STATS.
  const st = at[DestAttr.STATS64]! >= 0 ? DestAttr.STATS64 : at[DestAttr.STATS]! >= 0 ? DestAttr.STATS : -1;
  const stats = st < 0 ? undefined : decodeStatsAt(nest, at[st]!, at[st]! + ln[st]!);
  const tunnel = forward === 'tunnel' && tunType !== undefined;
  return {
    address: family === 4 ? `${nest[a]}.${nest[a + 1]}.${nest[a + 2]}.${nest[a + 3]}` : formatIPv6(nest.subarray(a, a + 16)),
    port,
    family,
    forward,
    // WEIGHT is an int in the kernel; read it signed so a (rejected) negative never shows as 4e9.
    // A WEIGHT shorter than 4 bytes is absent (readInt32LE threw a RangeError on it).
    weight: has(DestAttr.WEIGHT, 4) ? nest.readInt32LE(at[DestAttr.WEIGHT]!) : 0,
    upperThreshold: u32At(DestAttr.U_THRESH) ?? 0,
    lowerThreshold: u32At(DestAttr.L_THRESH) ?? 0,
    ...(tunnel ? { tunType, tunPort: be16At(DestAttr.TUN_PORT) ?? 0, tunFlags: u16At(DestAttr.TUN_FLAGS) ?? 0 } : {}),
    activeConns: u32At(DestAttr.ACTIVE_CONNS) ?? 0,
    inactConns: u32At(DestAttr.INACT_CONNS) ?? 0,
    persistConns: u32At(DestAttr.PERSIST_CONNS) ?? 0,
    ...(stats ? { stats } : {}),
  };
}

/** decodeDest reads a GET_DEST dump entry (top-level attributes). */
export function decodeDest(attrs: Buffer, svcFamily: IpvsFamily): IpvsDest {
  const nest = lastAttr(attrs, CmdAttr.DEST);
  if (!nest) throw bad('no dest attribute');
  return decodeDestNest(nest, svcFamily);
}

/** decodeInfo reads the GET_INFO reply; VERSION 0x010201 prints as "1.2.1". */
export function decodeInfo(attrs: Buffer): IpvsInfo {
  const a = parseAttrs(attrs);
  const v = u32(a.get(InfoAttr.VERSION));
  if (v === undefined) throw bad('no version');
  return { version: `${(v >> 16) & 0xff}.${(v >> 8) & 0xff}.${v & 0xff}`, connTabSize: u32(a.get(InfoAttr.CONN_TAB_SIZE)) ?? 0 };
}

/** decodeConfig reads the GET_CONFIG reply (timeouts in seconds). */
export function decodeConfig(attrs: Buffer): IpvsTimeouts {
  const a = parseAttrs(attrs);
  return {
    tcp: u32(a.get(CmdAttr.TIMEOUT_TCP)) ?? 0,
    tcpFin: u32(a.get(CmdAttr.TIMEOUT_TCP_FIN)) ?? 0,
    udp: u32(a.get(CmdAttr.TIMEOUT_UDP)) ?? 0,
  };
}

/** decodeDaemon reads a GET_DAEMON dump entry. */
export function decodeDaemon(attrs: Buffer): IpvsSyncDaemon {
  const nest = parseAttrs(attrs).get(CmdAttr.DAEMON);
  if (!nest) throw bad('no daemon attribute');
  const a = parseAttrs(nest);
  const g4 = a.get(DaemonAttr.MCAST_GROUP);
  const g6 = a.get(DaemonAttr.MCAST_GROUP6);
  const maxLen = u16(a.get(DaemonAttr.SYNC_MAXLEN));
  const port = u16(a.get(DaemonAttr.MCAST_PORT));
  const ttl = u8(a.get(DaemonAttr.MCAST_TTL));
  // A dump entry without a known state or an interface is not a daemon we could compare or show.
  const state = u32(a.get(DaemonAttr.STATE));
  if (state !== DaemonState.MASTER && state !== DaemonState.BACKUP) throw bad(`daemon state ${state ?? 'missing'}`);
  const mcastIfn = str(a.get(DaemonAttr.MCAST_IFN));
  if (!mcastIfn) throw bad('daemon without an interface');
  const group = g6 && g6.length >= 16 && g6.some((x) => x !== 0) ? formatIPv6(g6)
    : g4 && g4.length >= 4 ? formatIPv4(g4) : undefined;
  return {
    state: state === DaemonState.BACKUP ? 'backup' : 'master',
    mcastIfn,
    syncId: u32(a.get(DaemonAttr.SYNC_ID)) ?? 0,
    ...(maxLen !== undefined ? { syncMaxLen: maxLen } : {}),
    ...(group !== undefined ? { mcastGroup: group } : {}),
    ...(port !== undefined ? { mcastPort: port } : {}),
    ...(ttl !== undefined ? { mcastTtl: ttl } : {}),
  };
}
