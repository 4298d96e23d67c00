/**
 * The kernel table as the real `ipvsadm -Ln` shows it: the end-to-end tests, the demo and the
 * benchmark judge every daemon (ours, the Perl original, keepalived) by what the kernel holds,
 * never by what a daemon says it did.
 */
import { execFile } from 'node:child_process';

/** TableDest is one `->` row. */
export interface TableDest {
  readonly forward: string;
  readonly weight: number;
}

/** Table maps "TCP  192.0.2.80:80" (protocol and address as ipvsadm prints them) to its dests. */
export type Table = Map<string, Map<string, TableDest>>;

/** parseIpvsadmList parses `ipvsadm -Ln` output (pure). */
export function parseIpvsadmList(text: string): Table {
  const table: Table = new Map();
  let current: Map<string, TableDest> | undefined;
  for (const line of text.split('\n')) {
    const svc = /^(TCP|UDP|SCTP|FWM)\s+(\S+)/.exec(line);
    if (svc) {
      current = new Map();
      table.set(`${svc[1]} ${svc[2]}`, current);
      continue;
    }
    const d = /^\s+->\s+(\S+)\s+(\S+)\s+(\d+)/.exec(line);
    if (d && current && d[1] !== 'RemoteAddress:Port') current.set(d[1]!, { forward: d[2]!, weight: Number(d[3]) });
  }
  return table;
}

/** ipvsadmText runs `ipvsadm args` (default -Ln) and returns its output. */
export function ipvsadmText(args: readonly string[] = ['-Ln']): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('ipvsadm', args, { encoding: 'utf8', timeout: 30_000, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`ipvsadm ${args.join(' ')}: ${stderr || err.message}`));
      else resolve(stdout);
    });
  });
}

/** readTable reads and parses the kernel table. */
export async function readTable(): Promise<Table> {
  return parseIpvsadmList(await ipvsadmText());
}

/** destCount counts dests over every service (optionally only those with weight > 0). */
export function destCount(t: Table, liveOnly = false): number {
  let n = 0;
  for (const dests of t.values()) for (const d of dests.values()) if (!liveOnly || d.weight > 0) n++;
  return n;
}

/** clearTable empties the kernel table (`ipvsadm -C`). */
export async function clearTable(): Promise<void> {
  await ipvsadmText(['-C']);
}

/** hexAddress turns /proc/net/ip_vs's "7F000003:0050" into "127.0.0.3:80" (IPv4 only). */
function hexAddress(hex: string): string {
  const [a = '', p = ''] = hex.split(':');
  const ip = [0, 2, 4, 6].map((i) => parseInt(a.slice(i, i + 2), 16)).join('.');
  return `${ip}:${parseInt(p, 16)}`;
}

/**
 * parseProcIpvs parses /proc/net/ip_vs (pure): the same Table as parseIpvsadmList, for IPv4
 * services. Reading the proc file costs a few syscalls where spawning ipvsadm costs a process,
 * so a test can sample the kernel table every 20 ms even in the lab.
 */
export function parseProcIpvs(text: string): Table {
  const table: Table = new Map();
  let current: Map<string, TableDest> | undefined;
  for (const line of text.split('\n')) {
    const svc = /^(TCP|UDP|SCTP)\s+([0-9A-F]{8}:[0-9A-F]{4})\s/.exec(line);
    if (svc) {
      current = new Map();
      table.set(`${svc[1]} ${hexAddress(svc[2]!)}`, current);
      continue;
    }
    const d = /^\s+->\s+([0-9A-F]{8}:[0-9A-F]{4})\s+(\S+)\s+(\d+)/.exec(line);
    if (d && current) current.set(hexAddress(d[1]!), { forward: d[2]!, weight: Number(d[3]) });
  }
  return table;
}
