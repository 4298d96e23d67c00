/**
 * The per-virtual directives (indented under `virtual=`; reference §2.4, ldirectord L1410-1646),
 * one handler per key. Handlers check syntax and ranges and fill the VirtualDraft; resolution and
 * defaults come later (build.ts).
 */
import type { Directive } from './ast.js';
import type { VirtualDraft } from './draft.js';
import { emailAddresses, emailStatus } from './email.js';
import { parseFallback } from './fallback-line.js';
import { SERVICE_NAMES, type ServiceName } from './model.js';
import { parseRealLine } from './real-line.js';
import { int, positive, quoted, seconds, regex, smtpHost, text, withSlash, yesNo, type Ctx } from './values.js';

type Handler = (ctx: Ctx, d: Directive, v: VirtualDraft) => void;

const CHECKTYPES = ['connect', 'negotiate', 'ping', 'off', 'on', 'external', 'external-perl'] as const;
const U32 = 4294967295;


function real(ctx: Ctx, d: Directive, v: VirtualDraft): void {
  const want = v.family === 6 ? 'real6' : 'real';
  if (d.key !== want) {
    ctx.diags.error(d.line, d.key, `cannot use "${d.key}" in a ${v.family === 6 ? 'virtual6' : 'virtual'} block: use "${want}"`);
    return;
  }
  const spec = parseRealLine(d.value ?? '');
  if (typeof spec === 'string') {
    ctx.diags.error(d.line, d.key, spec);
    return;
  }
  let ok = true;
  if (spec.weight !== undefined && spec.weight > 65535) {
    ctx.diags.error(d.line, d.key, `weight must be 0..65535, got ${spec.weight}`);
    ok = false;
  }
  for (const [t, n] of [['l', spec.lower], ['u', spec.upper]] as const) {
    if (n !== undefined && n > U32) {
      ctx.diags.error(d.line, d.key, `threshold ${t}: must be 0..${U32}, got ${n}`);
      ok = false;
    }
  }
  if (spec.request === '') {
    ctx.diags.error(d.line, d.key, 'request string must not be empty');
    ok = false;
  }
  if (spec.receive !== undefined && !regex(ctx, d.line, d.key, spec.receive)) ok = false;
  // The man page's quoted form "l:10" "u:100" is read as request/receive (reference §0 #4).
  if (spec.request !== undefined && /^[lu]:\d+$/.test(spec.request)) {
    ctx.diags.warn(d.line, d.key, `"${spec.request}" is taken as the request string; thresholds are written bare: l:N u:N`);
  }
  if (ok) v.reals.push({ spec, line: d.line });
}

function fallback(ctx: Ctx, d: Directive, v: VirtualDraft): void {
  const want = v.family === 6 ? 'fallback6' : 'fallback';
  if (d.key !== want) {
    ctx.diags.error(d.line, d.key, `cannot use "${d.key}" in a ${v.family === 6 ? 'virtual6' : 'virtual'} block: use "${want}"`);
    return;
  }
  v.fallback = parseFallback(ctx, d, v.family);
}

function checktype(ctx: Ctx, d: Directive, v: VirtualDraft): void {
  const val = d.value ?? '';
  // ldirectord L1431: any digits make it "combined" with the first run of digits
  // (`negotiate2` is combined 2); kept for compatibility.
  const digits = /\d+/.exec(val);
  if (digits) v.checktype = { kind: 'combined', n: Number(digits[0]) };
  else if ((CHECKTYPES as readonly string[]).includes(val)) v.checktype = { kind: val as (typeof CHECKTYPES)[number] };
  else ctx.diags.error(d.line, d.key, `checktype must be connect, negotiate, on, off, ping, external, external-perl or a number, got "${val}"`);
}

function service(ctx: Ctx, d: Directive, v: VirtualDraft): void {
  const val = d.value ?? '';
  if ((SERVICE_NAMES as readonly string[]).includes(val)) v.service = val as ServiceName;
  else ctx.diags.error(d.line, d.key, `service must be one of ${SERVICE_NAMES.join(', ')}; got "${val}"`);
}

function protocol(ctx: Ctx, d: Directive, v: VirtualDraft): void {
  const val = d.value ?? '';
  if (v.fwmark !== undefined) {
    if (val !== 'fwm') ctx.diags.error(d.line, d.key, `protocol must be fwm for a fwmark virtual service, got "${val}"`);
  } else if (val === 'tcp' || val === 'udp') v.protocol = val;
  else ctx.diags.error(d.line, d.key, `protocol must be tcp or udp for an address:port virtual service, got "${val}"`);
}

function netmask(ctx: Ctx, d: Directive, v: VirtualDraft): void {
  const val = d.value ?? '';
  if (v.family === 6) {
    if (!/^\d+$/.test(val) || Number(val) < 1 || Number(val) > 128) {
      ctx.diags.error(d.line, d.key, `invalid netmask: a prefix length 1..128 is required for IPv6, got "${val}"`);
      return;
    }
    v.netmask = String(Number(val));
  } else {
    const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(val);
    if (!m || m.slice(1).some((o) => Number(o) > 255)) {
      ctx.diags.error(d.line, d.key, `invalid netmask: dotted quad notation is required, got "${val}"`);
      return;
    }
    v.netmask = val;
  }
  v.netmaskLine = d.line;
}

function httpmethod(ctx: Ctx, d: Directive, v: VirtualDraft): void {
  const val = (d.value ?? '').toUpperCase();
  if (val === 'GET' || val === 'HEAD') v.httpmethod = val;
  else ctx.diags.error(d.line, d.key, `httpmethod must be GET or HEAD, got "${d.value ?? ''}"`);
}

function scheduler(ctx: Ctx, d: Directive, v: VirtualDraft): void {
  // Not checked against the kernel's list on purpose (ldirectord L1489): new schedulers appear.
  if (/^[a-z]+$/.test(d.value ?? '')) v.scheduler = d.value;
  else ctx.diags.error(d.line, d.key, `scheduler must be lowercase letters (a-z), got "${d.value ?? ''}"`);
}

function set<K extends keyof VirtualDraft>(key: K, parse: (ctx: Ctx, d: Directive) => VirtualDraft[K] | undefined): Handler {
  return (ctx, d, v) => {
    const r = parse(ctx, d);
    if (r !== undefined) v[key] = r;
  };
}

/** VIRTUAL_DIRECTIVES maps each per-virtual key to its handler. */
export const VIRTUAL_DIRECTIVES: Readonly<Record<string, Handler>> = Object.freeze({
  real, real6: real, fallback, fallback6: fallback, checktype, service, protocol, netmask, httpmethod, scheduler,
  request: set('request', (c, d) => { const s = quoted(c, d); return s === undefined ? undefined : withSlash(s); }),
  receive: (c, d, v) => { const s = quoted(c, d); if (s !== undefined && regex(c, d.line, d.key, s)) v.receive = s; },
  checkcommand: set('checkcommand', text),
  checktimeout: set('checktimeout', seconds),
  negotiatetimeout: set('negotiatetimeout', seconds),
  connecttimeout: (c, d) => c.diags.error(d.line, d.key, 'connecttimeout is deprecated: use negotiatetimeout instead'),
  checkcount: (c, d, v) => {
    v.checkcount = positive(c, d) ?? v.checkcount;
    c.diags.warn(d.line, d.key, "checkcount is deprecated and slated for removal: use 'failurecount'");
  },
  failurecount: set('failurecount', positive),
  checkinterval: (c, d, v) => { const n = seconds(c, d); if (n !== undefined) { v.checkinterval = n; v.checkintervalLine = d.line; } },
  checkport: set('checkport', (c, d) => int(c, d, 1, 65535)),
  login: set('login', quoted),
  passwd: set('passwd', quoted),
  database: set('database', quoted),
  secret: set('secret', quoted),
  load: (c, d) => { if (quoted(c, d) !== undefined) c.diags.warn(d.line, d.key, 'load is parsed but never used (as in the original); ignored'); },
  persistent: set('persistent', (c, d) => int(c, d, 1, U32)),
  schedflags: set('schedflags', (c, d) => {
    if (/^\S+$/.test(d.value ?? '')) return d.value;
    c.diags.error(d.line, d.key, `schedflags must be a comma list without spaces (e.g. sh-port,sh-fallback), got "${d.value ?? ''}"`);
    return undefined;
  }),
  ops: (c, d, v) => { const b = yesNo(c, d); if (b !== undefined) { v.ops = b; v.opsLine = d.line; } },
  virtualhost: set('virtualhost', text),
  fallbackcommand: set('fallbackcommand', text),
  quiescent: set('quiescent', yesNo),
  cleanstop: set('cleanstop', yesNo),
  emailalert: set('emailalert', emailAddresses),
  emailalertfreq: set('emailalertfreq', (c, d) => int(c, d, 0, Number.MAX_SAFE_INTEGER)),
  emailalertstatus: set('emailalertstatus', emailStatus),
  // The daemon opens it; the original opened it here (L1618), which needs a runtime.
  monitorfile: set('monitorfile', text),
  smtp: set('smtp', smtpHost),
  servicename: set('servicename', (_c, d) => d.value ?? ''),
  comment: set('comment', (_c, d) => d.value ?? ''),
  risecount: set('risecount', positive),
  quorum: set('quorum', (c, d) => int(c, d, 0, Number.MAX_SAFE_INTEGER)),
  hysteresis: (c, d, v) => { const n = int(c, d, 0, Number.MAX_SAFE_INTEGER); if (n !== undefined) { v.hysteresis = n; v.hysteresisLine = d.line; } },
  httpsverify: set('httpsverify', yesNo),
});
