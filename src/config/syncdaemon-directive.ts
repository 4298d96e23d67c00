/**
 * `syncdaemon = master|backup|both INTERFACE [syncid=N] [maxlen=N] [group=ADDR] [port=N] [ttl=N]`
 * (extension): the kernel's IPVS connection-sync daemons ldirectord keeps running (the director's
 * sync-daemon.ts). Modelled on keepalived's `lvs_sync_daemon`; the checks here catch, at load
 * time, what its users find only when a failover drops every connection: a sync id out of the
 * 0..255 the sync header carries, a unicast "group", an interface name the kernel cannot have.
 * The line may be repeated once per state (`master` on one interface, `backup` on another);
 * `both` is the two with the same parameters. Config knows no kernel: whether the interface
 * exists is the daemon's business.
 */
import { isIP } from 'node:net';
import type { Directive } from './ast.js';
import type { Ctx } from './values.js';

/** SyncDaemonSpec is one sync daemon the config asks for. */
export interface SyncDaemonSpec {
  readonly state: 'master' | 'backup';
  readonly interface: string;
  /** 0..255; the kernel's default 0 (a backup with 0 takes the messages of every syncid). */
  readonly syncid: number;
  readonly maxlen?: number;
  /** IPv4 or IPv6 multicast group; absent = the kernel's 224.0.0.81. */
  readonly group?: string;
  readonly port?: number;
  readonly ttl?: number;
  readonly line: number;
}

const MODES = ['master', 'backup', 'both'] as const;
type Option = 'syncid' | 'maxlen' | 'group' | 'port' | 'ttl';
/** Integer options and their ranges (ipvsadm's, which are the kernel attributes' widths). */
const RANGES: Readonly<Record<Exclude<Option, 'group'>, readonly [number, number]>> = {
  syncid: [0, 255], maxlen: [1, 65535], port: [1, 65535], ttl: [1, 255],
};
/** IFNAMSIZ is 16 with the NUL: the kernel refuses longer names (dev_valid_name also refuses '/', ':' and blanks). */
const IFNAME = /^[^\s/:]{1,15}$/;

/** isMulticast tells a multicast group address (224.0.0.0/4, ff00::/8). */
export function isMulticast(addr: string): boolean {
  const v = isIP(addr);
  if (v === 4) { const first = Number(addr.split('.')[0]); return first >= 224 && first <= 239; }
  return v === 6 && /^ff[0-9a-f]{2}:/i.test(addr);
}

/**
 * parseSyncDaemon reads one line and appends its daemons to `into`; a state already configured
 * on an earlier line is an error there (it is ambiguous which one the admin meant).
 */
export function parseSyncDaemon(ctx: Ctx, d: Directive, into: SyncDaemonSpec[]): void {
  const words = (d.value ?? '').replace(/^"(.*)"$/, '$1').trim().split(/\s+/).filter(Boolean);
  const err = (msg: string): void => ctx.diags.error(d.line, d.key, msg);
  const [mode, ifn, ...opts] = words;
  if (!mode || !(MODES as readonly string[]).includes(mode)) {
    err(`syncdaemon must start with master, backup or both, then the interface, e.g. "syncdaemon = both eth1 syncid=10"; got ${mode === undefined ? 'nothing' : `"${mode}"`}`);
    return;
  }
  if (!ifn || ifn.includes('=')) {
    err(`syncdaemon ${mode} needs the interface the sync messages go out on (and are received on), e.g. "syncdaemon = ${mode} eth1"`);
    return;
  }
  if (!IFNAME.test(ifn)) {
    err(`syncdaemon interface "${ifn}" is not a network interface name (1-15 characters, no '/', ':' or blanks)`);
    return;
  }
  const set: { -readonly [K in Option]?: K extends 'group' ? string : number } = {};
  for (const o of opts) {
    const m = /^([a-z]+)=(.*)$/.exec(o);
    const name = m?.[1] as Option | undefined;
    if (!m || !name || !(name === 'group' || Object.hasOwn(RANGES, name))) {
      err(`syncdaemon: unknown option "${o}" (options: syncid=N, maxlen=N, group=ADDR, port=N, ttl=N)`);
      return;
    }
    if (set[name] !== undefined) { err(`syncdaemon: ${name} is given twice`); return; }
    const v = m[2]!;
    if (name === 'group') {
      if (!isMulticast(v)) { err(`syncdaemon: group must be a multicast address (224.0.0.0/4 or ff00::/8), got "${v}"`); return; }
      set.group = v;
      continue;
    }
    const [min, max] = RANGES[name];
    if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max) { err(`syncdaemon: ${name} must be ${min}..${max}, got "${v}"`); return; }
    set[name] = Number(v);
  }
  if (set.syncid === undefined) {
    // ip_vs_sync.c: a backup whose syncid is 0 takes every sync message on the segment, so two
    // director pairs sharing it would load each other's connections.
    ctx.diags.warn(d.line, d.key, 'syncdaemon without syncid= uses 0: a backup with syncid 0 takes the connections of every director pair on the segment; give each pair its own syncid=1..255');
  }
  const states = mode === 'both' ? (['master', 'backup'] as const) : [mode as 'master' | 'backup'];
  for (const state of states) {
    const prev = into.find((s) => s.state === state);
    if (prev) { err(`the ${state} sync daemon is already configured at line ${prev.line} (one master and one backup at most; "both" is the two)`); return; }
  }
  for (const state of states) {
    into.push({
      state, interface: ifn, syncid: set.syncid ?? 0, line: d.line,
      ...(set.maxlen !== undefined ? { maxlen: set.maxlen } : {}),
      ...(set.group !== undefined ? { group: set.group } : {}),
      ...(set.port !== undefined ? { port: set.port } : {}),
      ...(set.ttl !== undefined ? { ttl: set.ttl } : {}),
    });
  }
}
