/**
 * The typed, immutable configuration model produced by the config loader.
 * Defaults are applied once, by the validator (src/config/defaults.ts), so every field here is
 * final: consumers never re-derive a default. Times are in seconds, as in the .cf file.
 *
 * This file is the contract between config (producer) and cli/daemon/director (consumers).
 */
import type { MetricsListen } from './metrics-directive.js';
import type { SyncDaemonSpec } from './syncdaemon-directive.js';
import { ConfigError } from '../util/errors.js';

export type { SyncDaemonSpec };

/** SourcePos locates a directive in a .cf file. */
export interface SourcePos { readonly file: string; readonly line: number }

export type Family = 4 | 6;
/** Protocol of a virtual service; fwmark virtuals are 'fwm'. */
export type Protocol = 'tcp' | 'udp' | 'fwm';
/** Forwarding method as written in the .cf file. */
export type Forward = 'gate' | 'masq' | 'ipip';

/** The services, their names and default ports come from the checker table (data only). */
import type { ServiceName } from '../checks/table.js';
export { SERVICE_NAMES, type ServiceName } from '../checks/table.js';

/** CheckType: `combined` is a numeric checktype N (negotiate, then N connects, then negotiate). */
export type CheckType =
  | { readonly kind: 'connect' | 'negotiate' | 'ping' | 'off' | 'on' | 'external' | 'external-perl' }
  | { readonly kind: 'combined'; readonly n: number };

export type HttpMethod = 'GET' | 'HEAD';

/** Daemon status bits for emailalertstatus (ldirectord: starting 1, running 2, stopping 4, reloading 8). */
export const EMAIL_STATUS_BITS = { starting: 1, running: 2, stopping: 4, reloading: 8 } as const;

/** RealServer is one `real=`/`real6=` entry (a range a->b expands into one RealServer per address). */
export interface RealServer {
  readonly family: Family;
  /** Numeric address (resolved at parse time), IPv6 without brackets. */
  readonly address: string;
  /** 0 when the line gave no port (IPVS then uses the virtual's port for gate/ipip). */
  readonly port: number;
  readonly forward: Forward;
  readonly weight: number;
  /** Per-real request/receive override (request always starts with '/', or is an absolute URL). */
  readonly request?: string;
  readonly receive?: string;
  readonly lowerThreshold: number;
  readonly upperThreshold: number;
  readonly pos: SourcePos;
}

/** Fallback server (weight is always 1 in the original). */
export interface Fallback {
  readonly family: Family;
  readonly address: string;
  readonly port: number;
  readonly forward: Forward;
  readonly pos: SourcePos;
}

/** VirtualService is one `virtual=`/`virtual6=` block with every default applied. */
export interface VirtualService {
  /** Stable identity, as the original's: `tcp:1.2.3.4:80`, `udp:[2001:db8::1]:53`, `fwm:7`, `fwm6:7`. */
  readonly id: string;
  readonly family: Family;
  readonly protocol: Protocol;
  /** Numeric address; undefined for fwmark virtuals. */
  readonly address?: string;
  /** Resolved port; 0 for fwmark virtuals. */
  readonly port: number;
  readonly fwmark?: number;
  readonly reals: readonly RealServer[];

  readonly checktype: CheckType;
  readonly service: ServiceName;
  readonly checkcommand: string;
  /** Effective timeouts in seconds, after the original's fallback order (reference §2.5). */
  readonly checktimeout: number;
  readonly negotiatetimeout: number;
  readonly checkcount: number;
  readonly failurecount: number;
  /** Extension: successes needed to bring a down real back (default 1, as the original). */
  readonly risecount: number;
  readonly checkinterval: number;
  /** Explicit checkport, if given (the director resolves real port / service port otherwise). */
  readonly checkport?: number;
  readonly request: string;
  readonly receive: string;
  /** receive compiled once at load time (an invalid regex is a config error, never a check-time crash). */
  readonly httpmethod: HttpMethod;
  readonly virtualhost?: string;
  readonly login: string;
  readonly passwd: string;
  readonly database: string;
  readonly secret: string;
  readonly scheduler: string;
  readonly persistent?: number;
  /** Netmask: dotted quad for IPv4, prefix length (as a string) for IPv6. Only used with persistent. */
  readonly netmask?: string;
  readonly schedflags?: string;
  readonly ops: boolean;
  readonly fallback?: Fallback;
  readonly fallbackcommand?: string;
  readonly quiescent: boolean;
  readonly cleanstop: boolean;
  readonly emailalert: readonly string[];
  readonly emailalertfreq: number;
  readonly emailalertstatus: number;
  readonly monitorfile?: string;
  readonly smtp?: string;
  readonly servicename?: string;
  readonly comment?: string;
  /** Extension: verify https certificates and send SNI (default false, as the original). */
  readonly httpsverify: boolean;
  /** Extension: quorum (minimum live weight) with hysteresis; undefined = original behaviour. */
  readonly quorum?: number;
  readonly hysteresis: number;
  readonly pos: SourcePos;
}

/** GlobalConfig holds the column-0 directives with defaults applied. */
export interface GlobalConfig {
  readonly checkinterval: number;
  readonly autoreload: boolean;
  readonly callback?: string;
  /** Path (leading '/') or a syslog facility name. */
  readonly logfile: string;
  readonly execute: readonly string[];
  readonly fork: boolean;
  readonly supervised: boolean;
  readonly quiescent: boolean;
  readonly readdquiescent: boolean;
  readonly cleanstop: boolean;
  readonly maintenancedir?: string;
  readonly emailalertfrom?: string;
  /** Extension: run `fallbackcommand start` on stop too (ldirectord issue #750); default false. */
  readonly fallbackcommandonstop: boolean;
  /** Extension: global cap on concurrently running checks. */
  readonly maxchecks: number;
  /** Extension: largest response body a check reads, in bytes (default 1 MiB). */
  readonly maxresponsebytes: number;
  /** Extension: serve Prometheus /metrics here (metrics-directive.ts); absent = off. */
  readonly metrics?: MetricsListen;
  /**
   * Extension: the IPVS connection-sync daemons to keep running (syncdaemon-directive.ts).
   * Absent = not managed: running daemons are left alone.
   */
  readonly syncdaemon?: readonly SyncDaemonSpec[];
}

/** Config is one loaded .cf file. */
export interface Config {
  /** Absolute path of the file that was read. */
  readonly file: string;
  /** CFGNAME: basename of the config argument as given (pid file and log tag use it). */
  readonly name: string;
  readonly global: GlobalConfig;
  readonly virtuals: readonly VirtualService[];
}

/** Severity of a diagnostic. Errors make the config unusable; warnings are logged. */
export type Severity = 'error' | 'warning';

/** Diagnostic is one problem found in a file, always with file:line and the directive. */
export interface Diagnostic {
  readonly severity: Severity;
  readonly file: string;
  readonly line: number;
  /** The directive name (`checkport`, `real`, ...) or '' when the line has none. */
  readonly directive: string;
  readonly message: string;
}

/** formatDiagnostic renders `file:line: error: [directive] message`. */
export function formatDiagnostic(d: Diagnostic): string {
  const dir = d.directive ? `${d.directive}: ` : '';
  return `${d.file}:${d.line}: ${d.severity}: ${dir}${d.message}`;
}

/** LoadResult: a model plus warnings, or the full list of diagnostics (errors and warnings). */
export type LoadResult =
  | { readonly ok: true; readonly config: Config; readonly warnings: readonly Diagnostic[] }
  | { readonly ok: false; readonly diagnostics: readonly Diagnostic[] };

/**
 * configError is the error of a config that did not load: every diagnostic (file, line) and, as
 * its message, their lines as `configtest` prints them. The CLI reports it (configtest, start's
 * daemon child); a reload that fails logs it and keeps the running config.
 */
export function configError(diagnostics: readonly Diagnostic[]): ConfigError<Diagnostic> {
  return new ConfigError(diagnostics.map(formatDiagnostic).join('\n'), diagnostics);
}
