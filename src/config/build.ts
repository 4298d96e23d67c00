/**
 * Assembly of one VirtualService from its draft and the globals: names resolved, every default
 * applied once (from DEFAULTS), effective timeouts computed.
 */
import { DEFAULTS, SERVICE_BY_PORT } from './defaults.js';
import type { FallbackSpec, GlobalDraft, VirtualDraft } from './draft.js';
import type { Fallback, Family, ServiceName, VirtualService } from './model.js';
import { serviceId } from '../util/address.js';
import { resolveReals } from './reals.js';
import type { Names } from './resolve.js';
import { effectiveTimeouts } from './timeouts.js';
import type { Ctx } from './values.js';

/** BuildCtx is what assembly needs besides the draft. */
export interface BuildCtx extends Ctx {
  readonly names: Names;
  readonly hostname: string;
  readonly global: GlobalDraft;
}

/**
 * resolveFallback resolves a fallback for one virtual. A missing port is the virtual's port,
 * so a fwmark virtual gets port 0 (the original produced `-r :0` for a global fallback there).
 */
export async function resolveFallback(ctx: BuildCtx, spec: FallbackSpec, family: Family, protocol: string, vport: number, key: string): Promise<Fallback | undefined> {
  const address = await ctx.names.host(spec.host, family);
  if (address === undefined) {
    ctx.diags.error(spec.line, key, `invalid IPv${family} address or could not resolve for fallback server: ${spec.host}`);
    return undefined;
  }
  let port = vport;
  if (spec.portText !== undefined) {
    const p = ctx.names.port(spec.portText, protocol === 'fwm' ? '' : protocol as 'tcp' | 'udp');
    if ('error' in p) {
      ctx.diags.error(spec.line, key, `invalid port for fallback server: ${p.error}`);
      return undefined;
    }
    port = p.port;
  }
  return { family, address, port, forward: spec.forward, pos: { file: ctx.file, line: spec.line } };
}

/** checkGlobalFallbacks resolves the global fallback hosts once, even if no virtual uses them. */
export async function checkGlobalFallbacks(ctx: BuildCtx): Promise<void> {
  for (const [spec, family, key] of [[ctx.global.fallback, 4, 'fallback'], [ctx.global.fallback6, 6, 'fallback6']] as const) {
    if (spec && await ctx.names.host(spec.host, family) === undefined) {
      ctx.diags.error(spec.line, key, `invalid IPv${family} address or could not resolve for fallback server: ${spec.host}`);
    }
  }
}

async function endpoint(ctx: BuildCtx, v: VirtualDraft): Promise<{ address?: string; port: number } | undefined> {
  if (v.fwmark !== undefined) return { port: 0 };
  const key = v.family === 6 ? 'virtual6' : 'virtual';
  const p = ctx.names.port(v.portText ?? '', v.protocol as 'tcp' | 'udp');
  const address = await ctx.names.host(v.hostText ?? '', v.family);
  if (address === undefined) {
    ctx.diags.error(v.line, key, `invalid address "${v.hostText}" for virtual server (could not resolve as IPv${v.family})`);
  }
  if ('error' in p) ctx.diags.error(v.line, key, `invalid port for virtual server: ${p.error}`);
  return address === undefined || 'error' in p ? undefined : { address, port: p.port };
}


function defined<T extends object>(o: T): T {
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] === undefined) delete o[k];
  return o;
}

/** buildVirtual resolves and assembles one virtual; undefined when it had errors. */
export async function buildVirtual(ctx: BuildCtx, v: VirtualDraft): Promise<VirtualService | undefined> {
  const g = ctx.global;
  const G = DEFAULTS.global;
  const V = DEFAULTS.virtual;
  const ep = await endpoint(ctx, v);
  const port = ep?.port ?? 0;
  const reals = await resolveReals(ctx, ctx.names, v, port);
  const gfb = v.family === 6 ? g.fallback6 : g.fallback;
  const fbSpec = v.fallback ?? gfb;
  const fbKey = v.family === 6 ? 'fallback6' : 'fallback';
  const fallback = fbSpec && ep ? await resolveFallback(ctx, fbSpec, v.family, v.protocol, port, fbKey) : undefined;
  if (!ep) return undefined;

  if (v.ops && v.protocol !== 'udp') {
    ctx.diags.warn(v.opsLine ?? v.line, 'ops', `ops is only meaningful for udp virtual services; ignored for ${v.protocol}`);
  }
  if (v.netmask !== undefined && v.persistent === undefined) {
    ctx.diags.warn(v.netmaskLine ?? v.line, 'netmask', 'netmask is only used together with persistent; ignored');
  }
  if (v.hysteresis !== undefined && v.quorum === undefined) {
    ctx.diags.warn(v.hysteresisLine ?? v.line, 'hysteresis', 'hysteresis has no effect without quorum');
  }
  // ldirectord L1574-1587: ftp/sip login defaults only when service= is written.
  const service: ServiceName = v.service ?? (v.fwmark !== undefined ? 'none' : SERVICE_BY_PORT[port] ?? 'none');
  const me = `ldirectord@${ctx.hostname}`;
  const login = v.login ?? (v.service === 'ftp' ? 'anonymous' : v.service === 'sip' ? me : V.login);
  const passwd = v.passwd ?? (v.service === 'ftp' ? me : V.passwd);
  const t = effectiveTimeouts({ vCheck: v.checktimeout, vNegotiate: v.negotiatetimeout, gCheck: g.checktimeout, gNegotiate: g.negotiatetimeout });

  return defined<VirtualService>({
    id: serviceId({ protocol: v.protocol, family: v.family, address: ep.address, port, fwmark: v.fwmark }),
    family: v.family, protocol: v.protocol, address: ep.address, port, fwmark: v.fwmark, reals,
    checktype: v.checktype ?? { kind: V.checktype }, service,
    checkcommand: v.checkcommand ?? V.checkcommand,
    checktimeout: t.checktimeout, negotiatetimeout: t.negotiatetimeout,
    checkcount: v.checkcount ?? g.checkcount ?? G.checkcount,
    failurecount: v.failurecount ?? g.failurecount ?? G.failurecount,
    risecount: v.risecount ?? V.risecount,
    // ldirectord L1804 honoured a per-virtual checkinterval only with fork=yes; here every probe
    // has its own timer whatever fork says, so it is always honoured (docs/compatibility.md).
    checkinterval: v.checkinterval ?? g.checkinterval ?? G.checkinterval,
    checkport: v.checkport, request: v.request ?? V.request, receive: v.receive ?? V.receive,
    httpmethod: v.httpmethod ?? V.httpmethod, virtualhost: v.virtualhost,
    login, passwd, database: v.database ?? V.database, secret: v.secret ?? V.secret,
    scheduler: v.scheduler ?? V.scheduler, persistent: v.persistent, netmask: v.netmask, schedflags: v.schedflags,
    ops: (v.ops ?? V.ops) && v.protocol === 'udp',
    fallback, fallbackcommand: v.fallbackcommand ?? g.fallbackcommand,
    quiescent: v.quiescent ?? g.quiescent ?? G.quiescent,
    cleanstop: v.cleanstop ?? g.cleanstop ?? G.cleanstop,
    emailalert: v.emailalert ?? g.emailalert ?? [],
    emailalertfreq: v.emailalertfreq ?? g.emailalertfreq ?? G.emailalertfreq,
    emailalertstatus: v.emailalertstatus ?? g.emailalertstatus ?? G.emailalertstatus,
    monitorfile: v.monitorfile, smtp: v.smtp ?? g.smtp, servicename: v.servicename, comment: v.comment,
    httpsverify: v.httpsverify ?? V.httpsverify, quorum: v.quorum, hysteresis: v.hysteresis ?? V.hysteresis,
    pos: { file: ctx.file, line: v.line },
  });
}
