/**
 * The global directives (column 0; reference §2.5, ldirectord L1677-1797), one handler per key.
 */
import type { Directive } from './ast.js';
import type { GlobalDraft } from './draft.js';
import { emailAddresses, emailStatus } from './email.js';
import { parseFallback } from './fallback-line.js';
import { parseMetrics } from './metrics-directive.js';
import { parseSyncDaemon } from './syncdaemon-directive.js';
import { int, positive, quoted, seconds, smtpHost, text, yesNo, type Ctx } from './values.js';

type Handler = (ctx: Ctx, d: Directive, g: GlobalDraft) => void;

function set<K extends keyof GlobalDraft>(key: K, parse: (ctx: Ctx, d: Directive) => GlobalDraft[K] | undefined): Handler {
  return (ctx, d, g) => {
    const r = parse(ctx, d);
    if (r !== undefined) g[key] = r;
  };
}

function supervised(ctx: Ctx, d: Directive, g: GlobalDraft): void {
  if (d.value === undefined) {
    // ldirectord L1741: a bare `supervised` means yes, with a warning.
    g.supervised = true;
    ctx.diags.warn(d.line, d.key, 'a bare "supervised" is deprecated: write supervised=yes');
    return;
  }
  const b = yesNo(ctx, d);
  if (b !== undefined) g.supervised = b;
}

function execute(ctx: Ctx, d: Directive, g: GlobalDraft): void {
  const name = d.value === undefined ? '' : d.value.replace(/^"(.*)"$/, '$1');
  // The original accepted `execute=` and then ran `ldirectord "" start`.
  if (name === '') {
    ctx.diags.error(d.line, d.key, 'execute needs a configuration name or path');
    return;
  }
  g.execute.push(name); // duplicates are dropped once, in validate (includes() here was O(n^2))
}

const deprecated = (instead: string): Handler => (ctx, d) =>
  ctx.diags.error(d.line, d.key, `${d.key} is deprecated: use ${instead} instead`);

/** GLOBAL_DIRECTIVES maps each global key to its handler. */
export const GLOBAL_DIRECTIVES: Readonly<Record<string, Handler>> = Object.freeze({
  checktimeout: set('checktimeout', seconds),
  negotiatetimeout: set('negotiatetimeout', seconds),
  connecttimeout: deprecated('negotiatetimeout'),
  timeout: deprecated('checktimeout and negotiatetimeout'),
  checkinterval: set('checkinterval', seconds),
  checkcount: (c, d, g) => {
    g.checkcount = positive(c, d) ?? g.checkcount;
    c.diags.warn(d.line, d.key, "checkcount is deprecated and slated for removal: use 'failurecount'");
  },
  failurecount: set('failurecount', positive),
  fallback: set('fallback', (c, d) => parseFallback(c, d, 4)),
  fallback6: set('fallback6', (c, d) => parseFallback(c, d, 6)),
  fallbackcommand: set('fallbackcommand', text),
  autoreload: set('autoreload', yesNo),
  // ldirectord L1713/1716: callback and logfile need their quotes.
  callback: set('callback', quoted),
  logfile: set('logfile', quoted),
  execute,
  fork: set('fork', yesNo),
  supervised,
  quiescent: set('quiescent', yesNo),
  readdquiescent: set('readdquiescent', yesNo),
  cleanstop: set('cleanstop', yesNo),
  emailalert: set('emailalert', emailAddresses),
  emailalertfreq: set('emailalertfreq', (c, d) => int(c, d, 0, Number.MAX_SAFE_INTEGER)),
  emailalertstatus: set('emailalertstatus', emailStatus),
  emailalertfrom: set('emailalertfrom', text),
  smtp: set('smtp', smtpHost),
  // The original warns here when the directory is missing; that is a runtime check (daemon).
  maintenancedir: set('maintenancedir', text),
  fallbackcommandonstop: set('fallbackcommandonstop', yesNo),
  maxchecks: set('maxchecks', positive),
  maxresponsebytes: set('maxresponsebytes', positive),
  metrics: set('metrics', parseMetrics),
  syncdaemon: (c, d, g) => parseSyncDaemon(c, d, g.syncdaemon ??= []),
});
