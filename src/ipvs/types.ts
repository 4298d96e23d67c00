/**
 * The IPVS driver's public types. ipvs is a leaf: it imports nothing from config, checks or director.
 * Names follow the kernel (forwarding 'route' is ldirectord's 'gate', 'tunnel' is 'ipip').
 */

export type IpvsFamily = 4 | 6;
export type IpvsProtocol = 'tcp' | 'udp' | 'sctp';
export type IpvsForward = 'masq' | 'local' | 'tunnel' | 'route' | 'bypass';

/** ServiceKey identifies a virtual service: proto+addr+port, or fwmark (+family). */
export type ServiceKey =
  | { readonly family: IpvsFamily; readonly protocol: IpvsProtocol; readonly address: string; readonly port: number; readonly fwmark?: undefined }
  | { readonly family: IpvsFamily; readonly fwmark: number; readonly protocol?: undefined; readonly address?: undefined; readonly port?: undefined };

export interface IpvsStats {
  readonly conns: bigint; readonly inPkts: bigint; readonly outPkts: bigint;
  readonly inBytes: bigint; readonly outBytes: bigint;
  readonly cps: bigint; readonly inPps: bigint; readonly outPps: bigint;
  readonly inBps: bigint; readonly outBps: bigint;
}

/** IpvsService is a full service definition (what NEW/SET_SERVICE needs; what a dump returns). */
export interface IpvsService {
  readonly key: ServiceKey;
  readonly scheduler: string;
  /** Service flags with the kernel-internal HASHED bit (0x2) masked off. 0x1 = persistent, 0x4 = one-packet. */
  readonly flags: number;
  /** Persistence timeout in seconds (0 = not persistent). */
  readonly timeout: number;
  /** IPv4: dotted mask ('255.255.255.255' default); IPv6: prefix length as a string ('128'). */
  readonly netmask: string;
  readonly peName?: string;
  /** Present on dumps only. */
  readonly stats?: IpvsStats;
}

export interface IpvsDest {
  readonly address: string;
  readonly port: number;
  /** Address family of the dest; defaults to the service's. */
  readonly family?: IpvsFamily;
  readonly forward: IpvsForward;
  readonly weight: number;
  readonly upperThreshold: number;
  readonly lowerThreshold: number;
  readonly tunType?: 'ipip' | 'gue' | 'gre';
  readonly tunPort?: number;
  readonly tunFlags?: number;
  /** Present on dumps only. */
  readonly activeConns?: number;
  readonly inactConns?: number;
  readonly persistConns?: number;
  readonly stats?: IpvsStats;
}

/** IpvsOp is one write. A batch of ops is applied in order; each gets its own result. */
export type IpvsOp =
  | { readonly op: 'addService' | 'editService'; readonly service: IpvsService }
  | { readonly op: 'delService'; readonly key: ServiceKey }
  | { readonly op: 'addDest' | 'editDest'; readonly key: ServiceKey; readonly dest: IpvsDest }
  | { readonly op: 'delDest'; readonly key: ServiceKey; readonly dest: Pick<IpvsDest, 'address' | 'port' | 'family'> };

/** OpResult: ok, or the typed error for that op (the rest of the batch still applies). */
export type OpResult = { readonly ok: true } | { readonly ok: false; readonly error: import('../util/errors.js').LdError };

/** SyncState names the two connection-sync daemons (IP_VS_STATE_MASTER / _BACKUP). */
export type SyncState = 'master' | 'backup';

/** IpvsSyncDaemon is one connection-sync daemon (ipvsadm --start-daemon). */
export interface IpvsSyncDaemon {
  readonly state: SyncState;
  readonly mcastIfn: string;
  readonly syncId: number;
  readonly syncMaxLen?: number;
  /** IPv4 or IPv6 multicast group. */
  readonly mcastGroup?: string;
  readonly mcastPort?: number;
  readonly mcastTtl?: number;
}

export interface IpvsInfo { readonly version: string; readonly connTabSize: number }
export interface IpvsTimeouts { readonly tcp: number; readonly tcpFin: number; readonly udp: number }

/**
 * IpvsHandle is what the director talks to. The netlink implementation and the recording
 * double (tests, host benchmarks) both implement it. Every write is counted in `writes`.
 */
export interface IpvsHandle {
  info(): Promise<IpvsInfo>;
  listServices(): Promise<IpvsService[]>;
  listDests(key: ServiceKey): Promise<IpvsDest[]>;
  /** apply sends ops batched; resolves with one result per op (never rejects for per-op errors). */
  apply(ops: readonly IpvsOp[]): Promise<OpResult[]>;
  getTimeouts(): Promise<IpvsTimeouts>;
  setTimeouts(t: Partial<IpvsTimeouts>): Promise<void>;
  flush(): Promise<void>;
  zero(key?: ServiceKey): Promise<void>;
  /** listDaemons dumps the running connection-sync daemons (at most one master, one backup). */
  listDaemons(): Promise<IpvsSyncDaemon[]>;
  /** startDaemon starts one sync daemon (EEXIST -> LD_ERR_IPVS_EXISTS when that state runs). */
  startDaemon(d: IpvsSyncDaemon): Promise<void>;
  /** stopDaemon stops the master or the backup daemon (ESRCH when it does not run). */
  stopDaemon(state: SyncState): Promise<void>;
  /** Number of write messages sent to the kernel since the handle was opened. */
  readonly writes: number;
  close(): Promise<void>;
}
