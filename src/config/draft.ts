/**
 * Drafts: what the directive handlers collect from the Ast before names are resolved and
 * defaults applied. `undefined` always means "not written in the file".
 */
import type { CheckType, Family, Forward, HttpMethod, ServiceName } from './model.js';
import type { MetricsListen } from './metrics-directive.js';
import type { RealSpec } from './real-line.js';
import type { SyncDaemonSpec } from './syncdaemon-directive.js';

/** FallbackSpec is a syntactically valid `fallback=` value, names not yet resolved. */
export interface FallbackSpec {
  readonly host: string;
  readonly portText?: string;
  readonly forward: Forward;
  readonly line: number;
}

/** GlobalDraft holds the column-0 directives as written. */
export interface GlobalDraft {
  checktimeout?: number;
  negotiatetimeout?: number;
  checkinterval?: number;
  checkcount?: number;
  failurecount?: number;
  fallback?: FallbackSpec;
  fallback6?: FallbackSpec;
  fallbackcommand?: string;
  autoreload?: boolean;
  callback?: string;
  logfile?: string;
  execute: string[];
  fork?: boolean;
  supervised?: boolean;
  quiescent?: boolean;
  readdquiescent?: boolean;
  cleanstop?: boolean;
  emailalert?: string[];
  emailalertfreq?: number;
  emailalertstatus?: number;
  emailalertfrom?: string;
  smtp?: string;
  maintenancedir?: string;
  fallbackcommandonstop?: boolean;
  maxchecks?: number;
  maxresponsebytes?: number;
  /** null = `metrics=no`. */
  metrics?: MetricsListen | null;
  syncdaemon?: SyncDaemonSpec[];
}

/** VirtualDraft holds one virtual block as written. */
export interface VirtualDraft {
  readonly line: number;
  readonly family: Family;
  /** Address form: host text and port text; fwmark form: the mark. */
  readonly hostText?: string;
  readonly portText?: string;
  readonly fwmark?: number;
  protocol: 'tcp' | 'udp' | 'fwm';
  reals: { readonly spec: RealSpec; readonly line: number }[];
  checktype?: CheckType;
  service?: ServiceName;
  checkcommand?: string;
  checktimeout?: number;
  negotiatetimeout?: number;
  checkcount?: number;
  failurecount?: number;
  checkinterval?: number;
  checkintervalLine?: number;
  checkport?: number;
  request?: string;
  receive?: string;
  httpmethod?: HttpMethod;
  virtualhost?: string;
  login?: string;
  passwd?: string;
  database?: string;
  secret?: string;
  scheduler?: string;
  persistent?: number;
  netmask?: string;
  netmaskLine?: number;
  schedflags?: string;
  ops?: boolean;
  opsLine?: number;
  fallback?: FallbackSpec;
  fallbackcommand?: string;
  quiescent?: boolean;
  cleanstop?: boolean;
  emailalert?: string[];
  emailalertfreq?: number;
  emailalertstatus?: number;
  monitorfile?: string;
  smtp?: string;
  servicename?: string;
  comment?: string;
  risecount?: number;
  quorum?: number;
  hysteresis?: number;
  hysteresisLine?: number;
  httpsverify?: boolean;
}
