/**
 * The text of `ldirectord <cfg> show`: the `ipvsadm -Ln` layout admins read every day (the
 * service line, then `  -> RemoteAddress:Port  Forward Weight`), with the health columns to the
 * right. Pure: the snapshot in, the text out.
 */
import type { HealthSnapshot, RealView, VirtualView } from '../director/health.js';
import { hostPort } from '../util/address.js';
import { describeDaemon, type SyncDaemonView } from '../director/sync-daemon.js';

const left = (s: string | number, n: number): string => String(s).padEnd(n);
const pad2 = (n: number): string => String(n).padStart(2, '0');

/** localTime prints an ISO time as `YYYY-MM-DD HH:MM:SS` in the reader's time zone. */
export function localTime(iso: string): string {
  const d = new Date(iso);
  return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())} ${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;
}

function latency(ms: number): string {
  return ms < 10 ? `${ms.toFixed(1)}ms` : `${Math.round(ms)}ms`;
}

const HEAD = `${left('  -> RemoteAddress:Port', 33)} ${left('Forward', 7)} ${left('Weight', 6)} ${left('Config', 6)} `
  + `${left('Health', 11)} ${left('Fails', 5)} ${left('Latency', 8)} ${left('Since', 19)} Last check`;

function addr(address: string, port: number): string {
  return hostPort(undefined, address, port);
}

function realLine(r: RealView): string {
  let last = r.last ? r.last.reason || '-' : 'not checked yet';
  if (r.drain) {
    const why = r.drain.reason ? `: ${r.drain.reason}` : '';
    last += r.drain.enabling ? ` [enabled at ${localTime(r.drain.since)}: waits for a passing check]` : ` [drained since ${localTime(r.drain.since)}${why}]`;
  }
  return `  -> ${left(addr(r.address, r.port), 28)} ${left(r.forward, 7)} ${left(r.weight.kernel ?? '-', 6)} ${left(r.weight.configured, 6)} `
    + `${left(r.health, 11)} ${left(`${r.failures}/${r.failurecount}`, 5)} ${left(r.last ? latency(r.last.latencyMs) : '-', 8)} `
    + `${left(localTime(r.since), 19)} ${last}`;
}

function virtualLines(v: VirtualView): string {
  let out = `${v.line}${v.inKernel ? '' : '  (not in the kernel table)'}\n`;
  for (const r of v.reals) out += `${realLine(r)}\n`;
  if (v.fallback) {
    const f = v.fallback;
    out += `  -> ${left(addr(f.address, f.port), 28)} ${left(f.forward, 7)} ${left(f.kernelWeight ?? '-', 6)} ${left(1, 6)} `
      + `${left('fallback', 11)} ${left('-', 5)} ${left('-', 8)} ${left('-', 19)} ${f.active ? 'active' : 'inactive'}\n`;
  }
  if (v.quorum) {
    const q = v.quorum;
    out += `     quorum ${q.ok ? 'ok' : 'LOST'}: live weight ${q.liveWeight}, quorum ${q.quorum} ±${q.hysteresis}\n`;
  }
  if (!v.settled) out += '     (first round of checks not complete)\n';
  return out;
}

/** syncLine is one sync daemon, in `ipvsadm -Ln --daemon` words, with who started it or what is wrong. */
function syncLine(d: SyncDaemonView): string {
  const k = d.kernel;
  if (d.status === 'running' && k) return `${d.state} sync daemon (${describeDaemon(k)}): running, started by ${d.owner === 'ldirectord' ? 'ldirectord' : 'another tool (kept)'}`;
  return `${d.state} sync daemon: ${d.status.toUpperCase()}: ${d.message ?? ''}`;
}

/** renderHealth is the whole `show` text. */
export function renderHealth(h: HealthSnapshot): string {
  let out = `ldirectord ${h.config} (${h.file}) pid ${h.pid}, ${h.status}, at ${localTime(h.generatedAt)}\n`;
  for (const d of h.syncDaemons ?? []) out += `${syncLine(d)}\n`;
  out += `Prot LocalAddress:Port Scheduler Flags\n${HEAD}\n`;
  for (const v of h.virtuals) out += virtualLines(v);
  return out;
}
