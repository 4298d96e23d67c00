/**
 * Renderers byte-identical to ipvsadm 1.31 (Debian 12): `-Ln` and its views (--stats, --rate,
 * --thresholds, --persistent-conn, --tun-info, --exact, --nosort), `-Sn`, `--timeout` and
 * `--daemon`. Format strings are the ones in the Debian binary (`strings /usr/sbin/ipvsadm`);
 * C printf quirks are kept on purpose: padding that leaves trailing spaces, "(null)" for a
 * forwarding method ipvsadm has no name for, truncation of IPv4 names at 33/28 characters.
 */
import { SvcFlag } from './constants.js';
import type { IpvsSyncDaemon } from './types.js';
import { sortDests, sortServices } from './sort.js';
import type { IpvsDest, IpvsFamily, IpvsHandle, IpvsInfo, IpvsService, IpvsStats, IpvsTimeouts } from './types.js';
import { hostPort } from '../util/address.js';

/** IpvsTableEntry is one service with its dests, as one GET_SERVICE + GET_DEST dump gives them. */
export interface IpvsTableEntry { readonly service: IpvsService; readonly dests: readonly IpvsDest[] }

/** ListView picks the `ipvsadm -L` variant. */
export type ListView = 'default' | 'stats' | 'rate' | 'thresholds' | 'persistent-conn' | 'tun-info';
export interface ListOptions { readonly view?: ListView; readonly exact?: boolean; readonly nosort?: boolean }

/** readTable reads what `ipvsadm -L` reads: info, one service dump, one dest dump per service. */
export async function readTable(h: IpvsHandle): Promise<{ info: IpvsInfo; entries: IpvsTableEntry[] }> {
  const info = await h.info();
  const services = await h.listServices();
  const entries: IpvsTableEntry[] = [];
  for (const service of services) entries.push({ service, dests: await h.listDests(service.key) });
  return { info, entries };
}

// %-Ns and %Ns as printf does them (never truncating).
const left = (s: string | number, n: number): string => String(s).padEnd(n);
const right = (s: string | number | bigint, n: number): string => String(s).padStart(n);
const SCHED_FLAGS = SvcFlag.SCHED1 | SvcFlag.SCHED2 | SvcFlag.SCHED3;
const protoNames = { tcp: 'TCP', udp: 'UDP', sctp: 'SCTP' } as const;
const protoOptions = { tcp: '-t', udp: '-u', sctp: '--sctp-service' } as const;
// A NULL char* through glibc printf's %s prints "(null)"; ipvsadm passes NULL for 'bypass'.
const fwdNames = { masq: 'Masq', local: 'Local', tunnel: 'Tunnel', route: 'Route', bypass: '(null)' } as const;
const fwdSwitches = { masq: '-m', local: '-g', tunnel: '-i', route: '-g', bypass: '(null)' } as const;
const tunFlagShort = ['-c', '+c', 'r+c'] as const;
const tunFlagOption = ['--tun-nocsum', '--tun-csum', '--tun-remcsum'] as const;

const addrPort = (address: string, port: number, family: IpvsFamily): string => hostPort(family, address, port);

function serviceName(s: IpvsService, rule: boolean): string {
  const k = s.key;
  if (k.fwmark !== undefined) {
    // ipvsadm 1.31 prints the u32 mark with %d: marks above 2^31 come out negative.
    const mark = k.fwmark | 0;
    if (rule) return k.family === 6 ? `-f ${mark} -6` : `-f ${mark}`;
    return k.family === 6 ? `FWM  ${mark} IPv6` : `FWM  ${mark}`;
  }
  const vname = addrPort(k.address, k.port, k.family);
  if (rule) return `${protoOptions[k.protocol]} ${vname}`;
  const name = `${left(protoNames[k.protocol], 4)} ${vname}`;
  return k.family === 6 ? name : name.slice(0, 33);
}

function schedFlags(s: IpvsService): string {
  const names = s.scheduler === 'sh' ? ['sh-fallback', 'sh-port']
    : s.scheduler === 'mh' ? ['mh-fallback', 'mh-port'] : ['flag-1', 'flag-2', 'flag-3'];
  return [SvcFlag.SCHED1, SvcFlag.SCHED2, SvcFlag.SCHED3].flatMap((b, i) => (s.flags & b && names[i] ? [names[i]!] : [])).join(',');
}

function maskSuffix(s: IpvsService, word: string): string {
  if (s.key.family === 4) return s.netmask !== '255.255.255.255' ? ` ${word} ${s.netmask}` : '';
  return s.netmask !== '128' ? ` ${word} ${Number(s.netmask)}` : '';
}

/** largenum mirrors print_largenum: 9 columns, K/M/G/T above 10^8 unless --exact. */
export function largenum(i: bigint, exact = false): string {
  if (exact) { const s = String(i); return right(s, s.length <= 8 ? 9 : s.length + 1); }
  if (i < 100000000n) return right(i, 9);
  if (i < 1000000000n) return `${right(i / 1000n, 8)}K`;
  if (i < 100000000000n) return `${right(i / 1000000n, 8)}M`;
  if (i < 100000000000000n) return `${right(i / 1000000000n, 8)}G`;
  return `${right(i / 1000000000000n, 8)}T`;
}

const zeroStats: IpvsStats = { conns: 0n, inPkts: 0n, outPkts: 0n, inBytes: 0n, outBytes: 0n, cps: 0n, inPps: 0n, outPps: 0n, inBps: 0n, outBps: 0n };

function title(view: ListView): string {
  const head = 'Prot LocalAddress:Port';
  switch (view) {
    case 'stats': return `${left(head, 33)} ${['Conns', 'InPkts', 'OutPkts', 'InBytes', 'OutBytes'].map((x) => right(x, 8)).join(' ')}\n  -> RemoteAddress:Port\n`;
    case 'rate': return `${left(head, 33)} ${['CPS', 'InPPS', 'OutPPS', 'InBPS', 'OutBPS'].map((x) => right(x, 8)).join(' ')}\n  -> RemoteAddress:Port\n`;
    case 'thresholds': return `${left(head, 33)} ${left('Uthreshold', 10)} ${left('Lthreshold', 10)} ${left('ActiveConn', 10)} ${left('InActConn', 10)}\n  -> RemoteAddress:Port\n`;
    case 'persistent-conn': return `${left(head, 33)} ${left('Weight', 9)} ${left('PersistConn', 11)} ${left('ActiveConn', 10)} ${left('InActConn', 10)}\n  -> RemoteAddress:Port\n`;
    case 'tun-info': return 'Prot LocalAddress:Port Scheduler Flags\n  -> RemoteAddress:Port           Forward TunnelInfo    Weight ActiveConn InActConn\n';
    default: return 'Prot LocalAddress:Port Scheduler Flags\n  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n';
  }
}

function serviceLine(s: IpvsService, view: ListView, exact: boolean): string {
  const name = serviceName(s, false);
  const st = s.stats ?? zeroStats;
  if (view === 'stats') return left(name, 33) + [st.conns, st.inPkts, st.outPkts, st.inBytes, st.outBytes].map((n) => largenum(n, exact)).join('');
  if (view === 'rate') return left(name, 33) + [st.cps, st.inPps, st.outPps, st.inBps, st.outBps].map((n) => largenum(n, exact)).join('');
  let line = `${name} ${s.scheduler}`;
  if (s.flags & SCHED_FLAGS) line += ` (${schedFlags(s)})`;
  if (s.flags & SvcFlag.PERSISTENT) {
    line += ` persistent ${s.timeout}${maskSuffix(s, 'mask')}`;
    if (s.peName) line += ` pe ${s.peName}`;
  }
  if (s.flags & SvcFlag.ONEPACKET) line += ' ops';
  return line;
}

function tunInfo(d: IpvsDest): string | undefined {
  if (d.forward !== 'tunnel') return undefined;
  const flags = tunFlagShort[d.tunFlags ?? 0] ?? '';
  switch (d.tunType ?? 'ipip') {
    case 'ipip': return 'ipip';
    case 'gue': return `gue:${d.tunPort ?? 0}:${flags}`.slice(0, 15);
    case 'gre': return `gre:${flags}`;
  }
}

function destLine(d: IpvsDest, svcFamily: IpvsFamily, view: ListView, exact: boolean): string {
  const family = d.family ?? svcFamily;
  const full = addrPort(d.address, d.port, family);
  const dname = family === 6 ? full : full.slice(0, 28);
  const st = d.stats ?? zeroStats;
  const [act, inact] = [d.activeConns ?? 0, d.inactConns ?? 0];
  switch (view) {
    case 'stats': return `  -> ${left(dname, 28)}${[st.conns, st.inPkts, st.outPkts, st.inBytes, st.outBytes].map((n) => largenum(n, exact)).join('')}`;
    case 'rate': return `  -> ${left(dname, 28)} ${right(st.cps, 8)} ${right(st.inPps, 8)} ${right(st.outPps, 8)}${largenum(st.inBps, exact)}${largenum(st.outBps, exact)}`;
    case 'thresholds': return `  -> ${left(dname, 28)} ${left(d.upperThreshold, 10)} ${left(d.lowerThreshold, 10)} ${left(act, 10)} ${left(inact, 10)}`;
    case 'persistent-conn': return `  -> ${left(dname, 28)} ${left(d.weight >>> 0, 9)} ${left(d.persistConns ?? 0, 11)} ${left(act, 10)} ${left(inact, 10)}`;
    case 'tun-info': return `  -> ${left(dname, 28)} ${left(fwdNames[d.forward], 7)} ${left(tunInfo(d) ?? 'n/a', 13)} ${left(d.weight, 6)} ${left(act, 10)} ${left(inact, 10)}`;
    default: return `  -> ${left(dname, 28)} ${left(fwdNames[d.forward], 7)} ${left(d.weight, 6)} ${left(act, 10)} ${left(inact, 10)}`;
  }
}

/** renderList renders `ipvsadm -Ln` (and its views) from info and the table. */
export function renderList(info: IpvsInfo, entries: readonly IpvsTableEntry[], o: ListOptions = {}): string {
  const view = o.view ?? 'default';
  const exact = o.exact ?? false;
  let out = `IP Virtual Server version ${info.version} (size=${info.connTabSize})\n${title(view)}`;
  for (const e of o.nosort ? entries : sortServices(entries)) {
    out += `${serviceLine(e.service, view, exact)}\n`;
    const dests = o.nosort ? e.dests : sortDests(e.dests, e.service.key.family);
    for (const d of dests) out += `${destLine(d, e.service.key.family, view, exact)}\n`;
  }
  return out;
}

function ruleDest(svc: string, d: IpvsDest, svcFamily: IpvsFamily): string {
  const head = `-a ${svc} -r ${addrPort(d.address, d.port, d.family ?? svcFamily)} ${fwdSwitches[d.forward]} -w ${d.weight}`;
  if (d.forward !== 'tunnel') return head;
  const opt = tunFlagOption[d.tunFlags ?? 0] ?? '';
  switch (d.tunType ?? 'ipip') {
    case 'gre': return `${head} --tun-type gre ${opt}`;
    case 'gue': return `${head} --tun-type gue --tun-port ${d.tunPort ?? 0} ${opt}`;
    case 'ipip': return `${head} --tun-type ipip`;
  }
}

/** renderSave renders `ipvsadm -Sn` (the rules `ipvsadm -R` reads back). */
export function renderSave(entries: readonly IpvsTableEntry[]): string {
  let out = '';
  for (const e of sortServices(entries)) {
    const s = e.service;
    const name = serviceName(s, true);
    let line = `-A ${name} -s ${s.scheduler}`;
    if (s.flags & SvcFlag.PERSISTENT) line += ` -p ${s.timeout}${maskSuffix(s, '-M')}`;
    if (s.peName) line += ` --pe ${s.peName}`;
    if (s.flags & SvcFlag.ONEPACKET) line += ' -o';
    if (s.flags & SCHED_FLAGS) line += ` -b ${schedFlags(s)}`;
    out += `${line}\n`;
    for (const d of sortDests(e.dests, s.key.family)) out += `${ruleDest(name, d, s.key.family)}\n`;
  }
  return out;
}

/** renderTimeouts renders `ipvsadm -L --timeout`. */
export function renderTimeouts(t: IpvsTimeouts): string {
  return `Timeout (tcp tcpfin udp): ${t.tcp} ${t.tcpFin} ${t.udp}\n`;
}

/** renderDaemons renders `ipvsadm -L --daemon`. */
export function renderDaemons(ds: readonly IpvsSyncDaemon[]): string {
  return ds.map((d) => {
    let line = `${d.state} sync daemon (mcast=${d.mcastIfn}, syncid=${d.syncId}`;
    if (d.syncMaxLen) line += `, maxlen=${d.syncMaxLen}`;
    if (d.mcastGroup) line += `, group=${d.mcastGroup}`;
    if (d.mcastPort) line += `, port=${d.mcastPort}`;
    if (d.mcastTtl) line += `, ttl=${d.mcastTtl}`;
    return `${line})\n`;
  }).join('');
}
