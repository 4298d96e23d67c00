/**
 * The config loader's public API: find a config file, load it into the immutable model (or a
 * complete list of diagnostics), summarise it. Config knows no runtime: it opens no log or
 * monitor file and talks to no kernel; it only reads the file, the services file and DNS.
 */
import { readFile, stat } from 'node:fs/promises';
import { hostname as osHostname } from 'node:os';
import { basename, resolve } from 'node:path';
import { DEFAULTS } from './defaults.js';
import type { LoadResult } from './model.js';
import { parse } from './parse.js';
import { dnsResolver, Names, type HostResolver } from './resolve.js';
import { loadServices, type ServiceTable } from './services.js';
import { validate } from './validate.js';

export { resolveConfigPath, type LocateOptions } from './locate.js';
export { summarize } from './summary.js';
export { DEFAULTS } from './defaults.js';
export { dnsResolver, type HostResolver } from './resolve.js';
export { parseServices, type ServiceTable } from './services.js';
export * from './model.js';

/** LoadOptions: every I/O seam of the loader, with the production default. */
export interface LoadOptions {
  /** CFGNAME; defaults to the basename of `file`. */
  readonly name?: string;
  /** Hostname resolver (default: dns.lookup with the virtual's family). */
  readonly resolver?: HostResolver;
  /** Services file for port names (default /etc/services). */
  readonly servicesFile?: string;
  /** Already-parsed services table (wins over servicesFile). */
  readonly services?: ServiceTable;
  /** HOSTNAME used in the ftp/sip login defaults (default os.hostname()). */
  readonly hostname?: string;
  /** The file is readable by others (mode & 0o004): secrets in it get a warning at their line. */
  readonly readableByOthers?: boolean;
}

/** loadConfigText loads a config from text; `file` is used for positions and Config.file. */
export async function loadConfigText(text: string, file: string, opts: LoadOptions = {}): Promise<LoadResult> {
  const services = opts.services ?? await loadServices(opts.servicesFile ?? DEFAULTS.servicesFile);
  const names = new Names(opts.resolver ?? dnsResolver, services);
  return validate(parse(file, text), {
    names, hostname: opts.hostname ?? osHostname(), name: opts.name ?? basename(file),
    readableByOthers: opts.readableByOthers ?? false,
  });
}

/** loadConfig reads and loads one .cf file; an unreadable file is a diagnostic at line 0. */
export async function loadConfig(file: string, opts: LoadOptions = {}): Promise<LoadResult> {
  const abs = resolve(file);
  let text: string;
  let readableByOthers = false;
  try {
    text = await readFile(abs, 'utf8');
    readableByOthers = ((await stat(abs)).mode & 0o004) !== 0;
  } catch (e) {
    const reason = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    return { ok: false, diagnostics: [{ severity: 'error', file: abs, line: 0, directive: '', message: `can not open file ${abs}: ${reason}` }] };
  }
  return loadConfigText(text, abs, { readableByOthers, ...opts });
}
