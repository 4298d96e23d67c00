/**
 * Flattening a (virtual, real) pair into what the scheduler runs: the CheckSpec(s), the probe key
 * used to run identical checks once, and the identities the director keys its state by.
 */
import { createHash } from 'node:crypto';
import type { CheckKind, CheckOption, CheckOptions, CheckSpec, CheckTarget } from '../checks/types.js';
import { compileReceive, type Receive } from '../checks/lib/receive.js';
import type { GlobalConfig, RealServer, VirtualService } from '../config/model.js';
import { hostPort } from '../util/address.js';
import { SERVICE_PORTS, checkerLine } from '../checks/table.js';


/** checkPortOf is ld_checkport: the virtual's checkport, else the real's port if > 0, else the service's. */
export function checkPortOf(v: VirtualService, r: RealServer): number {
  if (v.checkport !== undefined) return v.checkport;
  if (r.port > 0) return r.port;
  return SERVICE_PORTS[v.service] || v.port;
}

/** ProbeDef is what the scheduler runs for one distinct check: one spec, or the combined pair. */
export interface ProbeDef {
  readonly key: string;
  readonly intervalMs: number;
  /** For every kind but combined: the spec to run each round. */
  readonly spec: CheckSpec;
  /** combined N: the connect spec and N (spec is then the negotiate spec). */
  readonly connect?: CheckSpec;
  readonly combinedN?: number;
}

/**
 * ReceiveMemo holds one compiled receive per distinct string for one config load: every real
 * sharing a pattern shares one RE2 object, so compile time and RE2's lazily grown match cache
 * are paid per pattern, not per real (docs/reliability.md#receive-patterns).
 */
export type ReceiveMemo = Map<string, Receive | string>;

function compiledFor(receive: string, memo: ReceiveMemo): Receive | undefined {
  let re = memo.get(receive);
  if (re === undefined) memo.set(receive, re = compileReceive(receive));
  // An invalid pattern stays uncompiled: the check compiles it and reports why it is down.
  return typeof re === 'string' ? undefined : re;
}

/** optionOf is one option's value for a (virtual, real) pair (a real's request/receive win). */
function optionOf(o: CheckOption, v: VirtualService, r: RealServer): CheckOptions[CheckOption] {
  switch (o) {
    case 'virtualAddress': return v.address;
    case 'virtualPort': return v.port;
    case 'fwmark': return v.fwmark;
    case 'request': return r.request ?? v.request;
    case 'receive': return r.receive ?? v.receive;
    case 'httpMethod': return v.httpmethod;
    case 'virtualHost': return v.virtualhost;
    case 'login': return v.login;
    case 'passwd': return v.passwd;
    case 'database': return v.database;
    case 'secret': return v.secret;
    case 'checkCommand': return v.checkcommand;
    case 'checkCount': return v.checkcount;
    case 'tlsVerify': return v.httpsverify;
  }
}

/**
 * specOf is the spec a check of `kind` runs for (v, r): the target, plus exactly the options its
 * checker's table line reads (SpecOf), so the probe key holds what the check reads and no more.
 * Built once per config load; a check only reads it.
 */
function specOf(v: VirtualService, r: RealServer, g: GlobalConfig, kind: CheckKind, memo: ReceiveMemo): CheckSpec {
  const negotiateLike = kind === 'negotiate';
  // Filled field by field from the line's list, which TS cannot follow: the line types the checker.
  const spec: CheckTarget & Record<string, unknown> = {
    kind,
    service: v.service,
    protocol: v.protocol,
    family: v.family,
    realAddress: r.address,
    realPort: r.port,
    checkPort: checkPortOf(v, r),
    // Rounded: sub-second values are decimals (1.1 * 1000 is 1100.0000000000002).
    timeoutMs: Math.round((negotiateLike ? v.negotiatetimeout : v.checktimeout) * 1000),
    maxBytes: g.maxresponsebytes,
  };
  for (const o of checkerLine(kind, v.service).reads) spec[o] = optionOf(o, v, r);
  const receive = spec.receive;
  if (typeof receive === 'string' && receive !== '') spec.compiledReceive = compiledFor(receive, memo);
  return spec;
}

/**
 * probeFor returns the probe of a real. checktype on/off get a probe too (the `on`/`off` checks
 * answer at once): maintenancedir is tested before every check, for every checktype (L2866).
 */
export function probeFor(v: VirtualService, r: RealServer, g: GlobalConfig, memo: ReceiveMemo = new Map()): ProbeDef {
  const ct = v.checktype;
  // Per-virtual checkinterval is honoured in every mode (the original ignores it unless fork=yes).
  const intervalMs = Math.round(v.checkinterval * 1000);
  if (ct.kind === 'combined') {
    const spec = specOf(v, r, g, 'negotiate', memo);
    const connect = specOf(v, r, g, 'connect', memo);
    return { key: digest(['c', ct.n, intervalMs, dedupView(spec), dedupView(connect)]), intervalMs, spec, connect, combinedN: ct.n };
  }
  const spec = specOf(v, r, g, ct.kind, memo);
  return { key: digest(['s', intervalMs, dedupView(spec)]), intervalMs, spec };
}

/**
 * dedupView is what identical checks share: the spec without the compiled receive (its string
 * is there already). A spec holds only what its check reads, so a real behind two VIPs is probed
 * once (as Seesaw's dedup, and as the original's fork=no id, which has no VIP either) unless the
 * check passes the virtual on (the external checks' arguments).
 */
function dedupView(s: CheckSpec): CheckSpec {
  return s.compiledReceive === undefined ? s : { ...s, compiledReceive: undefined };
}

/** realKey identifies a real's health state across reloads: virtual id + address + port + check. */
export function realKey(v: VirtualService, r: RealServer, g: GlobalConfig, memo: ReceiveMemo = new Map()): string {
  // The interval is scheduling, not the check's definition: changing it keeps the health state.
  const p = probeFor(v, r, g, memo);
  // compiledReceive is `receive` again, compiled: left out, keys stay what they were before it.
  return digest([v.id, r.address, r.port, v.checktype, { ...p.spec, compiledReceive: undefined }, p.connect ?? null]);
}

/** digest keys a value by the SHA-1 of its JSON: 10k reals x 2 keys of ~600-byte JSON add up. */
function digest(x: unknown): string {
  return createHash('sha1').update(JSON.stringify(x)).digest('base64');
}


/** virtualStr is the original's get_virtual: `ip:port`, or the fwmark number. */
export function virtualStr(v: VirtualService): string {
  if (v.fwmark !== undefined) return String(v.fwmark);
  return hostPort(v.family, v.address ?? '', v.port);
}

/** quotemeta is Perl's: backslash before every non-word character. */
function quotemeta(s: string): string {
  return s.replace(/[^A-Za-z0-9_]/g, (c) => `\\${c}`);
}

/** realIdStr is the original's get_real_id_str (L5015), the id the monitorfile prints. */
export function realIdStr(v: VirtualService, r: RealServer): string {
  const ct = v.checktype;
  let check: string;
  if (ct.kind === 'negotiate' || ct.kind === 'combined') check = `${ct.kind}:${v.service}`;
  else if (ct.kind === 'external' || ct.kind === 'external-perl') check = `${ct.kind}:${v.checkcommand}`;
  else check = ct.kind;
  const server = r.family === 6 ? `[${r.address}]` : r.address;
  return [check, v.protocol, server, r.port, v.virtualhost ?? '', v.checkport ?? '', r.weight, r.forward,
    quotemeta(r.request ?? v.request), quotemeta(r.receive ?? v.receive)].join(':');
}
