/**
 * MemoryIpvs is an in-memory IpvsHandle with the kernel's semantics, for tests and host
 * benchmarks: EEXIST on a duplicate service or dest, ESRCH for an unknown service, ENOENT for an
 * unknown dest, ERANGE when the lower threshold exceeds the upper one, HASHED masked on reads.
 * It counts writes (one per applied op, as the netlink driver counts one message per op) and
 * keeps a log of every op it applied, so tests can assert the exact writes a change caused.
 */
import { IpvsError, LdError } from '../util/errors.js';
import type {
  IpvsDest, IpvsHandle, IpvsInfo, IpvsOp, IpvsService, IpvsSyncDaemon, IpvsTimeouts, OpResult, ServiceKey, SyncState,
} from './types.js';

import { normAddr } from '../util/address.js';
import { serviceKeyString } from './key.js';


const HASHED = 0x2;

/**
 * The kernel keys services and dests by address bytes, so every spelling of one IPv6 address is
 * one entry, and reads print it one way (inet_ntop): the double stores the canonical spelling.
 */
function canonicalKey(key: ServiceKey): ServiceKey {
  return key.address === undefined ? key : { ...key, address: normAddr(key.family, key.address) };
}

function canonicalDest<D extends Pick<IpvsDest, 'address' | 'family'>>(d: D, family: 4 | 6): D {
  return { ...d, address: normAddr(d.family ?? family, d.address) };
}

function destKey(d: Pick<IpvsDest, 'address' | 'port'>): string {
  return `${d.address}|${d.port}`;
}

interface Entry { service: IpvsService; dests: Map<string, IpvsDest> }

/** MemoryIpvsOptions lets a test inject failures: return an LdError to fail that op. */
export interface MemoryIpvsOptions {
  readonly failOp?: (op: IpvsOp) => LdError | undefined;
  /** Interfaces a sync daemon may bind to (others: ENODEV); absent = any name. */
  readonly interfaces?: readonly string[];
}

/** MemoryIpvs is the recording double; `log` lists applied ops, `writes` counts attempted ones. */
export class MemoryIpvs implements IpvsHandle {
  readonly log: IpvsOp[] = [];
  private table = new Map<string, Entry>();
  private count = 0;
  private timeouts: IpvsTimeouts = { tcp: 900, tcpFin: 120, udp: 300 };
  private closed = false;
  private daemons = new Map<SyncState, IpvsSyncDaemon>();
  private readonly interfaces: ReadonlySet<string> | undefined;
  failOp: ((op: IpvsOp) => LdError | undefined) | undefined;

  constructor(opts: MemoryIpvsOptions = {}) {
    this.failOp = opts.failOp;
    this.interfaces = opts.interfaces ? new Set(opts.interfaces) : undefined;
  }

  get writes(): number { return this.count; }

  async info(): Promise<IpvsInfo> {
    return { version: '1.2.1', connTabSize: 4096 };
  }

  async listServices(): Promise<IpvsService[]> {
    return [...this.table.values()].map((e) => ({ ...e.service, flags: e.service.flags & ~HASHED }));
  }

  async listDests(key: ServiceKey): Promise<IpvsDest[]> {
    const e = this.service(key);
    return [...e.dests.values()].map((d) => ({ ...d }));
  }

  async apply(ops: readonly IpvsOp[]): Promise<OpResult[]> {
    this.assertOpen();
    return ops.map((op) => {
      this.count++;
      const injected = this.failOp?.(op);
      if (injected) return { ok: false, error: injected };
      try {
        this.applyOne(op);
        this.log.push(op);
        return { ok: true };
      } catch (e) {
        return { ok: false, error: e as LdError };
      }
    });
  }

  private applyOne(op: IpvsOp): void {
    switch (op.op) {
      case 'addService': {
        const key = canonicalKey(op.service.key);
        const k = serviceKeyString(key);
        if (this.table.has(k)) throw new IpvsError('LD_ERR_IPVS_EXISTS', `service ${k} exists (EEXIST)`);
        // The kernel sets HASHED on every service it links into its tables.
        this.table.set(k, { service: { ...op.service, key, flags: op.service.flags | HASHED }, dests: new Map() });
        return;
      }
      case 'editService': {
        const e = this.service(op.service.key);
        e.service = { ...op.service, key: e.service.key, flags: op.service.flags | HASHED };
        return;
      }
      case 'delService':
        this.table.delete(serviceKeyString(this.service(op.key).service.key));
        return;
      case 'addDest': {
        const e = this.service(op.key);
        const dest = canonicalDest(op.dest, op.key.family);
        checkThresholds(dest);
        if (e.dests.has(destKey(dest))) throw new IpvsError('LD_ERR_IPVS_EXISTS', `dest ${destKey(dest)} exists (EEXIST)`);
        e.dests.set(destKey(dest), { ...dest, activeConns: 0, inactConns: 0, persistConns: 0 });
        return;
      }
      case 'editDest': {
        const e = this.service(op.key);
        const dest = canonicalDest(op.dest, op.key.family);
        checkThresholds(dest);
        const old = e.dests.get(destKey(dest));
        if (!old) throw new IpvsError('LD_ERR_IPVS_NO_DEST', `no such dest ${destKey(dest)} (ENOENT)`);
        e.dests.set(destKey(dest), { ...old, ...dest });
        return;
      }
      case 'delDest': {
        const e = this.service(op.key);
        const dest = canonicalDest(op.dest, op.key.family);
        if (!e.dests.delete(destKey(dest))) throw new IpvsError('LD_ERR_IPVS_NO_DEST', `no such dest ${destKey(dest)} (ENOENT)`);
        return;
      }
    }
  }

  private service(key: ServiceKey): Entry {
    const k = serviceKeyString(canonicalKey(key));
    const e = this.table.get(k);
    if (!e) throw new IpvsError('LD_ERR_IPVS_NO_SERVICE', `no such service ${k} (ESRCH)`);
    return e;
  }

  private assertOpen(): void {
    if (this.closed) throw new IpvsError('LD_ERR_NETLINK_CLOSED', 'handle closed');
  }

  async getTimeouts(): Promise<IpvsTimeouts> { return { ...this.timeouts }; }

  async setTimeouts(t: Partial<IpvsTimeouts>): Promise<void> {
    this.count++;
    this.timeouts = { ...this.timeouts, ...t };
  }

  async flush(): Promise<void> {
    this.count++;
    this.table.clear();
  }

  async zero(key?: ServiceKey): Promise<void> {
    this.count++;
    if (key) this.service(key);
  }

  async listDaemons(): Promise<IpvsSyncDaemon[]> {
    return (['master', 'backup'] as const).flatMap((s) => { const d = this.daemons.get(s); return d ? [{ ...d }] : []; });
  }

  /** startDaemon fills in what the 6.1 kernel reports for absent parameters (maxlen for MTU 1500). */
  async startDaemon(d: IpvsSyncDaemon): Promise<void> {
    this.assertOpen();
    this.count++;
    if (this.daemons.has(d.state)) throw new IpvsError('LD_ERR_IPVS_EXISTS', `start ${d.state} sync daemon: already exists (EEXIST)`);
    if (this.interfaces && !this.interfaces.has(d.mcastIfn)) throw new IpvsError('LD_ERR_IPVS_KERNEL', `start ${d.state} sync daemon: No such device (ENODEV)`);
    const v6 = d.mcastGroup?.includes(':') ?? false;
    this.daemons.set(d.state, {
      state: d.state, mcastIfn: d.mcastIfn, syncId: d.syncId, syncMaxLen: d.syncMaxLen ?? (v6 ? 1452 : 1472),
      mcastGroup: d.mcastGroup ?? '224.0.0.81', mcastPort: d.mcastPort ?? 8848, mcastTtl: d.mcastTtl ?? 1,
    });
  }

  async stopDaemon(state: SyncState): Promise<void> {
    this.assertOpen();
    this.count++;
    if (!this.daemons.delete(state)) throw new IpvsError('LD_ERR_IPVS_NO_SERVICE', `stop ${state} sync daemon: No daemon is running (ESRCH)`);
  }

  async close(): Promise<void> { this.closed = true; }

  /** resetLog clears the op log (the write counter keeps counting). */
  resetLog(): void { this.log.length = 0; }
}

function checkThresholds(d: IpvsDest): void {
  // ip_vs_ctl.c ip_vs_add_dest/ip_vs_edit_dest: `l_threshold > u_threshold` is -ERANGE, with no
  // exception for u=0, so `l:10` without `u:` is refused by the kernel too.
  if (d.lowerThreshold > d.upperThreshold) {
    throw new IpvsError('LD_ERR_IPVS_INVALID', `lower threshold ${d.lowerThreshold} > upper ${d.upperThreshold} (ERANGE)`);
  }
}
