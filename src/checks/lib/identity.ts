/**
 * Who the director says it is to a real server: the host name (the injected one, else the
 * system's) and the `ldirectord@<hostname>` default of the ftp password and the sip user.
 */
import { hostname } from 'node:os';
import type { CheckContext } from '../types.js';

/** localName is the injected hostname, else the system's. */
export function localName(ctx: CheckContext): string {
  return ctx.hostname ?? hostname();
}

/**
 * orDefaultLogin is `value` when set, else `ldirectord@<hostname>`: the ftp password
 * (ldirectord L1580-1590) and the sip user (L3575) when the config left them empty.
 */
export function orDefaultLogin(value: string, ctx: CheckContext): string {
  return value !== '' ? value : `ldirectord@${localName(ctx)}`;
}
