/**
 * Numbers from include/uapi/linux/ip_vs.h (linux-libc-dev 6.1), linux/netlink.h and
 * linux/genetlink.h. Only what the codec and transport use; names keep the kernel's spelling
 * minus the common prefix so a grep for the C name finds the TS one.
 */

/** IPVS_GENL_NAME / IPVS_GENL_VERSION. The family id is dynamic: resolve it at open. */
export const IPVS_GENL_NAME = 'IPVS';
export const IPVS_GENL_VERSION = 1;

/** IpvsCmd mirrors enum IPVS_CMD_*. */
export const IpvsCmd = {
  NEW_SERVICE: 1, SET_SERVICE: 2, DEL_SERVICE: 3, GET_SERVICE: 4,
  NEW_DEST: 5, SET_DEST: 6, DEL_DEST: 7, GET_DEST: 8,
  NEW_DAEMON: 9, DEL_DAEMON: 10, GET_DAEMON: 11,
  SET_CONFIG: 12, GET_CONFIG: 13, SET_INFO: 14, GET_INFO: 15,
  ZERO: 16, FLUSH: 17,
} as const;

/** CmdAttr mirrors IPVS_CMD_ATTR_* (top level of every IPVS message). */
export const CmdAttr = {
  SERVICE: 1, DEST: 2, DAEMON: 3, TIMEOUT_TCP: 4, TIMEOUT_TCP_FIN: 5, TIMEOUT_UDP: 6,
} as const;

/** SvcAttr mirrors IPVS_SVC_ATTR_*. */
export const SvcAttr = {
  AF: 1, PROTOCOL: 2, ADDR: 3, PORT: 4, FWMARK: 5, SCHED_NAME: 6, FLAGS: 7,
  TIMEOUT: 8, NETMASK: 9, STATS: 10, PE_NAME: 11, STATS64: 12,
} as const;

/** DestAttr mirrors IPVS_DEST_ATTR_*. */
export const DestAttr = {
  ADDR: 1, PORT: 2, FWD_METHOD: 3, WEIGHT: 4, U_THRESH: 5, L_THRESH: 6,
  ACTIVE_CONNS: 7, INACT_CONNS: 8, PERSIST_CONNS: 9, STATS: 10, ADDR_FAMILY: 11,
  STATS64: 12, TUN_TYPE: 13, TUN_PORT: 14, TUN_FLAGS: 15,
} as const;

/** DaemonAttr mirrors IPVS_DAEMON_ATTR_*. */
export const DaemonAttr = {
  STATE: 1, MCAST_IFN: 2, SYNC_ID: 3, SYNC_MAXLEN: 4, MCAST_GROUP: 5, MCAST_GROUP6: 6,
  MCAST_PORT: 7, MCAST_TTL: 8,
} as const;

/** StatsAttr mirrors IPVS_STATS_ATTR_*; PAD only aligns the u64 attributes. */
export const StatsAttr = {
  CONNS: 1, INPKTS: 2, OUTPKTS: 3, INBYTES: 4, OUTBYTES: 5,
  CPS: 6, INPPS: 7, OUTPPS: 8, INBPS: 9, OUTBPS: 10, PAD: 11,
} as const;

/** InfoAttr mirrors IPVS_INFO_ATTR_*. */
export const InfoAttr = { VERSION: 1, CONN_TAB_SIZE: 2 } as const;

/** SvcFlag mirrors IP_VS_SVC_F_*. HASHED is kernel-internal and masked off on decode. */
export const SvcFlag = {
  PERSISTENT: 0x1, HASHED: 0x2, ONEPACKET: 0x4, SCHED1: 0x8, SCHED2: 0x10, SCHED3: 0x20,
} as const;

/** ConnFwd mirrors IP_VS_CONN_F_{MASQ,LOCALNODE,TUNNEL,DROUTE,BYPASS}; FWD_MASK selects them. */
export const ConnFwd = { MASQ: 0, LOCALNODE: 1, TUNNEL: 2, DROUTE: 3, BYPASS: 4, FWD_MASK: 7 } as const;

/** TunType mirrors IP_VS_CONN_F_TUNNEL_TYPE_*. */
export const TunType = { IPIP: 0, GUE: 1, GRE: 2 } as const;

/** TunFlag mirrors IP_VS_TUNNEL_ENCAP_FLAG_*. NOCSUM is the absence of the other two. */
export const TunFlag = { NOCSUM: 0, CSUM: 1, REMCSUM: 2 } as const;

/** DaemonState mirrors IP_VS_STATE_*. */
export const DaemonState = { NONE: 0, MASTER: 1, BACKUP: 2 } as const;

/** AF_INET / AF_INET6 and the IP protocol numbers IPVS serves. */
export const AF_INET = 2;
export const AF_INET6 = 10;
export const IPPROTO_TCP = 6;
export const IPPROTO_UDP = 17;
export const IPPROTO_SCTP = 132;

/** Netlink header constants (linux/netlink.h). */
export const NLMSG_HDRLEN = 16;
export const NLA_HDRLEN = 4;
export const NlMsgType = { NOOP: 1, ERROR: 2, DONE: 3, OVERRUN: 4 } as const;
export const NlmF = {
  REQUEST: 0x1, MULTI: 0x2, ACK: 0x4, ECHO: 0x8, DUMP_INTR: 0x10, DUMP_FILTERED: 0x20,
  ROOT: 0x100, MATCH: 0x200, DUMP: 0x300, CAPPED: 0x100, ACK_TLVS: 0x200,
} as const;
/** NLA_F_NESTED / NLA_F_NET_BYTEORDER live in the top bits of nla_type; the type is the rest. */
export const NLA_TYPE_MASK = 0x3fff;

/** NETLINK_GENERIC protocol number and the generic-netlink controller (linux/genetlink.h). */
export const NETLINK_GENERIC = 16;
export const GENL_HDRLEN = 4;
export const GENL_ID_CTRL = 0x10;
export const CtrlCmd = { NEWFAMILY: 1, GETFAMILY: 3 } as const;
export const CtrlAttr = { FAMILY_ID: 1, FAMILY_NAME: 2, VERSION: 3, HDRSIZE: 4, MAXATTR: 5 } as const;
