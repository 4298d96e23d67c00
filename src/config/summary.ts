/**
 * summarize renders the short human summary that `configtest` prints: each virtual service with
 * its check settings and real servers.
 */
import type { CheckType, Config, RealServer, VirtualService } from './model.js';
import { hostPort } from '../util/address.js';

function checktype(c: CheckType): string {
  return c.kind === 'combined' ? `combined(${c.n})` : c.kind;
}


function real(r: RealServer): string {
  const extra: string[] = [];
  if (r.request !== undefined) extra.push(`request "${r.request}" receive "${r.receive ?? ''}"`);
  if (r.lowerThreshold || r.upperThreshold) extra.push(`l:${r.lowerThreshold} u:${r.upperThreshold}`);
  return `    real ${hostPort(r.family, r.address, r.port)} ${r.forward} weight ${r.weight}${extra.length ? ' ' + extra.join(' ') : ''}`;
}

function virtual(v: VirtualService): string[] {
  const lines = [
    `virtual ${v.id} scheduler ${v.scheduler}${v.persistent !== undefined ? ` persistent ${v.persistent}` : ''}`,
    `    service ${v.service} checktype ${checktype(v.checktype)} checktimeout ${v.checktimeout}s `
      + `negotiatetimeout ${v.negotiatetimeout}s checkinterval ${v.checkinterval}s failurecount ${v.failurecount}`,
  ];
  if (v.checktype.kind === 'negotiate' || v.checktype.kind === 'combined') {
    lines.push(`    request "${v.request}" receive "${v.receive}"`);
  }
  if (v.reals.length === 0) lines.push('    (no real servers)');
  // A loop, not push(...spread): a spread of 200,000 reals (three a->b ranges) overflows the stack.
  for (const r of v.reals) lines.push(real(r));
  if (v.fallback) lines.push(`    fallback ${hostPort(v.fallback.family, v.fallback.address, v.fallback.port)} ${v.fallback.forward}`);
  return lines;
}

/** summarize returns a multi-line summary of a loaded config (no trailing newline). */
export function summarize(config: Config): string {
  const g = config.global;
  const head = [
    `config ${config.file} (name ${config.name}): ${config.virtuals.length} virtual service(s)`,
    `global: checkinterval ${g.checkinterval}s fork ${g.fork ? 'yes' : 'no'} quiescent ${g.quiescent ? 'yes' : 'no'} `
      + `autoreload ${g.autoreload ? 'yes' : 'no'} logfile ${g.logfile}`,
  ];
  if (g.execute.length) head.push(`execute: ${g.execute.join(', ')}`);
  for (const d of g.syncdaemon ?? []) head.push(`syncdaemon: ${d.state} on ${d.interface} syncid ${d.syncid}`);
  return [...head, ...config.virtuals.flatMap(virtual)].join('\n');
}
