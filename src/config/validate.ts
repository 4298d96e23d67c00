/**
 * validate turns an Ast into the immutable Config, or into the full list of diagnostics: every
 * problem of the file is reported, each with file:line and the directive (reference §2).
 */
import type { Ast, Directive } from './ast.js';
import { buildVirtual, checkGlobalFallbacks, type BuildCtx } from './build.js';
import { DEFAULTS } from './defaults.js';
import { Diagnostics } from './diagnostics.js';
import type { GlobalDraft, VirtualDraft } from './draft.js';
import { GLOBAL_DIRECTIVES } from './global-directives.js';
import type { Config, GlobalConfig, LoadResult, VirtualService } from './model.js';
import type { Names } from './resolve.js';
import { VIRTUAL_DIRECTIVES } from './virtual-directives.js';
import { parseVirtualHeader } from './virtual-header.js';
import type { Ctx } from './values.js';

/** ValidateOptions: resolution and the names that end up in the Config. */
export interface ValidateOptions {
  readonly names: Names;
  /** HOSTNAME for the ftp/sip login defaults. */
  readonly hostname: string;
  /** CFGNAME. */
  readonly name: string;
  /** The file is readable by others: directives that carry a secret get a warning. */
  readonly readableByOthers?: boolean;
}

// Directives whose value is a credential (checks' passwords, the RADIUS shared secret).
const SECRET_KEYS = new Set(['passwd', 'secret']);

// Keys that may be repeated without a warning.
const REPEATABLE = new Set(['real', 'real6', 'execute', 'syncdaemon']);

function dispatch<T>(ctx: Ctx, dirs: readonly Directive[], table: Readonly<Record<string, (c: Ctx, d: Directive, t: T) => void>>,
  other: Readonly<Record<string, unknown>>, target: T, misplaced: string): void {
  const seen = new Map<string, number>();
  for (const d of dirs) {
    const h = Object.hasOwn(table, d.key) ? table[d.key] : undefined;
    if (!h) {
      const msg = Object.hasOwn(other, d.key) || d.key === 'virtual' || d.key === 'virtual6'
        ? misplaced : `unknown directive "${d.key}"`;
      ctx.diags.error(d.line, d.key, msg);
      continue;
    }
    if (d.value === undefined && d.key !== 'supervised') {
      ctx.diags.error(d.line, d.key, `expected ${d.key}=value`);
      continue;
    }
    const prev = seen.get(d.key);
    if (prev !== undefined && !REPEATABLE.has(d.key)) {
      ctx.diags.warn(d.line, d.key, `${d.key} is already set at line ${prev}; this later value wins`);
    }
    seen.set(d.key, d.line);
    h(ctx, d, target);
  }
}

function globalConfig(g: GlobalDraft): GlobalConfig {
  const G = DEFAULTS.global;
  const out: GlobalConfig = {
    checkinterval: g.checkinterval ?? G.checkinterval,
    autoreload: g.autoreload ?? G.autoreload,
    callback: g.callback,
    logfile: g.logfile ?? G.logfile,
    execute: [...new Set(g.execute)],
    fork: g.fork ?? G.fork,
    supervised: g.supervised ?? G.supervised,
    quiescent: g.quiescent ?? G.quiescent,
    readdquiescent: g.readdquiescent ?? G.readdquiescent,
    cleanstop: g.cleanstop ?? G.cleanstop,
    maintenancedir: g.maintenancedir,
    emailalertfrom: g.emailalertfrom,
    fallbackcommandonstop: g.fallbackcommandonstop ?? G.fallbackcommandonstop,
    maxchecks: g.maxchecks ?? G.maxchecks,
    maxresponsebytes: g.maxresponsebytes ?? G.maxresponsebytes,
    metrics: g.metrics ?? undefined,
    syncdaemon: g.syncdaemon,
  };
  for (const k of Object.keys(out) as (keyof GlobalConfig)[]) if (out[k] === undefined) delete out[k];
  return out;
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object' && !Object.isFrozen(o)) {
    Object.freeze(o);
    for (const v of Object.values(o)) deepFreeze(v);
  }
  return o;
}

/** validate checks and assembles the whole file. */
export async function validate(ast: Ast, opts: ValidateOptions): Promise<LoadResult> {
  const diags = new Diagnostics(ast.file);
  const ctx: Ctx = { diags, file: ast.file };
  for (const p of ast.problems) diags.error(p.line, p.directive, p.message);

  const global: GlobalDraft = { execute: [] };
  dispatch(ctx, ast.globals, GLOBAL_DIRECTIVES, VIRTUAL_DIRECTIVES, global,
    'this directive belongs inside a virtual block: indent it by 4 spaces or a tab under a virtual= line');

  const drafts: VirtualDraft[] = [];
  for (const block of ast.virtuals) {
    const header = parseVirtualHeader(ctx, block.header);
    // A bad header still gets its body checked, so all errors are reported at once.
    const draft: VirtualDraft = header ?? { line: block.header.line, family: block.header.key === 'virtual6' ? 6 : 4, protocol: 'tcp', reals: [] };
    dispatch(ctx, block.body, VIRTUAL_DIRECTIVES, GLOBAL_DIRECTIVES, draft,
      'this is a global directive: write it in column 0, outside virtual blocks');
    if (header) drafts.push(draft);
  }

  if (opts.readableByOthers) {
    for (const d of ast.virtuals.flatMap((b) => b.body)) {
      if (SECRET_KEYS.has(d.key)) {
        diags.warn(d.line, d.key, `${d.key} holds a secret and the file is readable by other users: chmod o-r ${ast.file}`);
      }
    }
  }

  const fork = global.fork ?? DEFAULTS.global.fork;
  const bctx: BuildCtx = { ...ctx, names: opts.names, hostname: opts.hostname, global };
  await checkGlobalFallbacks(bctx);
  const virtuals: VirtualService[] = [];
  const ids = new Map<string, number>();
  for (const draft of drafts) {
    if (!fork && draft.checkinterval !== undefined) {
      // Honoured in every mode (every probe has its own timer; fork means nothing here), so the
      // warning tells an admin coming from the original, which ignored it with fork=no.
      diags.warn(draft.checkintervalLine ?? draft.line, 'checkinterval', 'checkinterval in a virtual service is honoured also with fork=no (the original ignored it and used the global checkinterval)');
    }
    const vs = await buildVirtual(bctx, draft);
    if (!vs) continue;
    // Detected after resolution, so 10.0.0.1:53 and 10.0.0.1:domain collide (reference §2.1).
    const first = ids.get(vs.id);
    if (first !== undefined) {
      diags.error(draft.line, draft.family === 6 ? 'virtual6' : 'virtual', `duplicate virtual server ${vs.id} (first defined at line ${first})`);
      continue;
    }
    ids.set(vs.id, draft.line);
    virtuals.push(vs);
  }

  if (diags.hasErrors) return { ok: false, diagnostics: diags.list() };
  const config: Config = { file: ast.file, name: opts.name, global: globalConfig(global), virtuals };
  return { ok: true, config: deepFreeze(config), warnings: diags.list() };
}
