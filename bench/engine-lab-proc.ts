/**
 * Process accounting for the engine benchmark, read from /proc: CPU seconds (user + system, and
 * the reaped children's) and RSS summed over a daemon's whole process tree (keepalived runs a
 * checker child; ldirectord may fork), and the checks a system ran, counted from nginx's log.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** TICKS is USER_HZ, 100 on every Linux this runs on. */
const TICKS = 100;

interface ProcStat { pid: number; ppid: number; cpuTicks: number; zombie: boolean }

function stat(pid: number): ProcStat | undefined {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces and parentheses: fields start after the last ')'.
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    // f[0] = state (field 3), so field n is f[n - 3]: ppid 4, utime 14, stime 15, cutime 16, cstime 17.
    return { pid, ppid: Number(f[1]), zombie: f[0] === 'Z', cpuTicks: Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]) };
  } catch { return undefined; }
}

function rssKb(pid: number): number {
  try {
    const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch { return 0; }
}

/** Usage of a process tree at one moment. */
export interface Usage { readonly cpuS: number; readonly rssKb: number; readonly procs: number }

function allStats(): ProcStat[] {
  const all: ProcStat[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const s = stat(Number(name));
    if (s) all.push(s);
  }
  return all;
}

function treeOf(all: readonly ProcStat[], roots: readonly number[]): Set<number> {
  const tree = new Set(roots.filter((r) => all.some((s) => s.pid === r)));
  let grew = true;
  while (grew) {
    grew = false;
    for (const s of all) if (!tree.has(s.pid) && tree.has(s.ppid)) { tree.add(s.pid); grew = true; }
  }
  return tree;
}

/** treePids lists the live processes of `roots` and all their descendants. */
export function treePids(roots: readonly number[]): number[] {
  return [...treeOf(allStats(), roots)];
}

/** alive keeps the pids that still exist (a zombie counts as gone: it holds no resources). */
export function alive(pids: readonly number[]): number[] {
  return pids.filter((p) => { const s = stat(p); return s !== undefined && !s.zombie; });
}

/** treeUsage sums CPU and RSS over `roots` and all their descendants. */
export function treeUsage(roots: readonly number[]): Usage {
  const all = allStats();
  const tree = treeOf(all, roots);
  let ticks = 0;
  let rss = 0;
  let procs = 0;
  for (const s of all) {
    if (!tree.has(s.pid)) continue;
    ticks += s.cpuTicks;
    rss += rssKb(s.pid);
    procs++;
  }
  return { cpuS: ticks / TICKS, rssKb: rss, procs };
}

/** countRequests counts access-log lines (`$msec ...`) stamped within [from, to] (epoch seconds). */
export function countRequests(file: string, from: number, to: number): number {
  let n = 0;
  let text = '';
  try { text = readFileSync(file, 'utf8'); } catch { return 0; }
  for (const line of text.split('\n')) {
    const t = Number(line.slice(0, line.indexOf(' ')));
    if (t >= from && t <= to) n++;
  }
  return n;
}
