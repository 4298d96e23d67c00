/**
 * The guest's state as the engine benchmark sees it between and during starts, read from /proc
 * only (a process such as `ss` costs a fork, which is expensive in UML): sockets by state
 * (TIME_WAIT above all), IPVS connection entries, conntrack entries, TCP counters that tell of
 * refused or dropped connections, CPU busy since the last sample, memory, and which daemons run.
 * Used to find why repeated starts in one guest got slower, and to wait until a start begins
 * from the same state as the one before it.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** GuestState is one sample (counts are absolute; cpuBusy is the fraction since the previous sample). */
export interface GuestState {
  readonly tcpInuse: number;
  readonly timeWait: number;
  readonly orphans: number;
  /** Lines of /proc/net/ip_vs_conn (connections IPVS tracks), -1 if absent. */
  readonly ipvsConns: number;
  /** nf_conntrack_count, -1 if conntrack is not loaded. */
  readonly conntrack: number;
  readonly load1: number;
  readonly cpuBusy: number;
  readonly memFreeMb: number;
  readonly shmemMb: number;
  /** Processes by command name, for the ones the benchmark starts (node, keepalived, nginx, ldirectord). */
  readonly procs: Readonly<Record<string, number>>;
  /** TcpExt/Tcp counters (cumulative) that grow when connections are refused, dropped or reset. */
  readonly tcp: Readonly<Record<string, number>>;
}

const read = (p: string): string => { try { return readFileSync(p, 'utf8'); } catch { return ''; } };

/** sockstat parses /proc/net/sockstat's TCP line (pure). */
export function sockstat(text: string): { inuse: number; tw: number; orphan: number } {
  const m = /^TCP: (.*)$/m.exec(text);
  const f = (k: string): number => Number(new RegExp(`\\b${k} (\\d+)`).exec(m?.[1] ?? '')?.[1] ?? 0);
  return { inuse: f('inuse'), tw: f('tw'), orphan: f('orphan') };
}

/** snmpPairs turns the header/value line pairs of /proc/net/netstat or /proc/net/snmp into a map (pure). */
export function snmpPairs(text: string, prefix: string): Map<string, number> {
  const lines = text.split('\n').filter((l) => l.startsWith(`${prefix}: `));
  const out = new Map<string, number>();
  for (let i = 0; i + 1 < lines.length; i += 2) {
    const ks = lines[i]!.split(' ').slice(1);
    const vs = lines[i + 1]!.split(' ').slice(1);
    ks.forEach((k, j) => out.set(k, Number(vs[j])));
  }
  return out;
}

const TCP_EXT = ['ListenOverflows', 'ListenDrops', 'TCPTimeWaitOverflow', 'TWRecycled', 'TCPAbortOnData', 'TCPAbortOnTimeout', 'TCPSynRetrans'];
const TCP = ['ActiveOpens', 'AttemptFails', 'EstabResets', 'RetransSegs', 'OutRsts'];
const NAMES = new Set(['node', 'keepalived', 'nginx', 'ldirectord']);

/** StateReader samples the guest; it keeps the previous CPU counters to report busy-since-last. */
export class StateReader {
  private lastCpu: { busy: number; total: number } | undefined;

  sample(): GuestState {
    const ss = sockstat(read('/proc/net/sockstat'));
    const conn = read('/proc/net/ip_vs_conn');
    const ct = read('/proc/sys/net/netfilter/nf_conntrack_count').trim();
    const cpu = (/^cpu (.*)$/m.exec(read('/proc/stat'))?.[1] ?? '').trim().split(/\s+/).map(Number);
    // user nice system idle iowait irq softirq steal: busy is all but idle and iowait.
    const total = cpu.slice(0, 8).reduce((a, b) => a + b, 0);
    const busy = total - (cpu[3] ?? 0) - (cpu[4] ?? 0);
    const prev = this.lastCpu;
    this.lastCpu = { busy, total };
    const mem = read('/proc/meminfo');
    const memMb = (k: string): number => Math.round(Number(new RegExp(`^${k}:\\s+(\\d+)`, 'm').exec(mem)?.[1] ?? 0) / 1024);
    const procs: Record<string, number> = {};
    for (const d of readdirSync('/proc')) {
      if (!/^\d+$/.test(d)) continue;
      const comm = read(`/proc/${d}/comm`).trim();
      if (NAMES.has(comm)) procs[comm] = (procs[comm] ?? 0) + 1;
    }
    const ext = snmpPairs(read('/proc/net/netstat'), 'TcpExt');
    const tcp = snmpPairs(read('/proc/net/snmp'), 'Tcp');
    const counters: Record<string, number> = {};
    for (const k of TCP_EXT) counters[k] = ext.get(k) ?? 0;
    for (const k of TCP) counters[k] = tcp.get(k) ?? 0;
    return {
      tcpInuse: ss.inuse, timeWait: ss.tw, orphans: ss.orphan,
      ipvsConns: conn ? Math.max(0, conn.split('\n').filter((l) => l.trim()).length - 1) : -1,
      conntrack: ct ? Number(ct) : -1,
      load1: Number(read('/proc/loadavg').split(' ')[0]),
      cpuBusy: prev && total > prev.total ? (busy - prev.busy) / (total - prev.total) : 0,
      memFreeMb: memMb('MemFree'), shmemMb: memMb('Shmem'),
      procs, tcp: counters,
    };
  }
}

/** brief renders a sample as one short log line (pure). */
export function brief(s: GuestState): string {
  const p = Object.entries(s.procs).map(([k, v]) => `${k}=${v}`).join(',');
  const t = Object.entries(s.tcp).filter(([, v]) => v > 0).map(([k, v]) => `${k}=${v}`).join(' ');
  return `tw=${s.timeWait} tcp=${s.tcpInuse} orph=${s.orphans} ipvs_conn=${s.ipvsConns} ct=${s.conntrack} ` +
    `load1=${s.load1} busy=${(s.cpuBusy * 100).toFixed(0)}% free=${s.memFreeMb}M shmem=${s.shmemMb}M procs[${p}] ${t}`;
}
