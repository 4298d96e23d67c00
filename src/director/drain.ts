/**
 * Runtime drains (pure): `ldirectord <cfg> drain REAL [--reason TEXT]` sets a real's weight to 0
 * without editing the config; `enable REAL` lifts it once a fresh check passes. The list is a
 * small JSON document the daemon keeps next to its pid file, so a drain survives reload and
 * restart. This file holds the target grammar, the matching and the codec; no I/O.
 */
import type { RealServer, VirtualService } from '../config/model.js';
import { ControlError, DaemonError } from '../util/errors.js';
import { destPort } from './desired.js';
import { hostPort, normAddr } from '../util/address.js';

/** DRAIN_FILE_VERSION is the version of the state file's layout. */
export const DRAIN_FILE_VERSION = 1;

/** DrainTarget names reals: an address, with a port or (port undefined) every port. */
export interface DrainTarget { readonly family: 4 | 6; readonly address: string; readonly port?: number }

/** DrainRecord is one persisted drain. */
export interface DrainRecord { readonly target: string; readonly reason: string; readonly since: number }

const V4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

function port(s: string, text: string): number {
  const n = Number(s);
  if (!/^\d{1,5}$/.test(s) || n > 65535) throw new ControlError('LD_ERR_USAGE', `bad port in real "${text}"`);
  return n;
}

/**
 * parseTarget reads `1.2.3.4`, `1.2.3.4:80`, `2001:db8::1`, `[2001:db8::1]` or `[2001:db8::1]:80`
 * (numeric addresses: the daemon matches what the config resolved to).
 */
export function parseTarget(text: string): DrainTarget {
  const t = text.trim();
  const b = /^\[([0-9a-fA-F:.]+)\](?::(\d+))?$/.exec(t);
  if (b) return withPort(6, b[1]!, b[2], t);
  if (t.includes(':') && t.split(':').length > 2) return withPort(6, t, undefined, t);
  const [addr, p] = t.split(':');
  const m = V4.exec(addr ?? '');
  if (!m || m.slice(1).some((x) => Number(x) > 255)) {
    throw new ControlError('LD_ERR_USAGE', `real "${text}" is not a numeric address (ADDRESS, ADDRESS:PORT or [IPv6]:PORT)`);
  }
  return withPort(4, addr!, p, t);
}

function withPort(family: 4 | 6, address: string, p: string | undefined, text: string): DrainTarget {
  if (family === 6 && !/^[0-9a-fA-F:.]+$/.test(address)) throw new ControlError('LD_ERR_USAGE', `real "${text}" is not a numeric address`);
  const a = normAddr(family, address);
  return p === undefined ? { family, address: a } : { family, address: a, port: port(p, text) };
}

/** targetString is the canonical spelling (the state file's key). */
export function targetString(t: DrainTarget): string {
  if (t.port !== undefined) return hostPort(t.family, t.address, t.port);
  return t.family === 6 ? `[${t.address}]` : t.address;
}

/** matches: same address, and the port (if given) is the real's configured or kernel port. */
export function matches(t: DrainTarget, v: VirtualService, r: RealServer): boolean {
  if (t.family !== r.family || t.address !== normAddr(r.family, r.address)) return false;
  return t.port === undefined || t.port === r.port || t.port === destPort(v, r.forward, r.port);
}

/** DrainList is the set of drains in force, by canonical target. */
export class DrainList {
  private readonly byTarget = new Map<string, { target: DrainTarget; record: DrainRecord }>();

  constructor(records: readonly DrainRecord[] = []) {
    for (const r of records) this.byTarget.set(r.target, { target: parseTarget(r.target), record: r });
  }

  get size(): number { return this.byTarget.size; }

  /** add records (or re-reasons) a drain; returns the canonical target. */
  add(t: DrainTarget, reason: string, now: number): string {
    const key = targetString(t);
    this.byTarget.set(key, { target: t, record: { target: key, reason, since: now } });
    return key;
  }

  /**
   * remove lifts every drain that covers the reals `t` names: the exact target, and a wider
   * address-only drain when `t` names the address. Returns whether any was removed.
   */
  remove(t: DrainTarget): boolean {
    let any = false;
    for (const [k, e] of this.byTarget) {
      const covers = e.target.family === t.family && e.target.address === t.address &&
        (t.port === undefined || e.target.port === undefined || e.target.port === t.port);
      if (covers) { this.byTarget.delete(k); any = true; }
    }
    return any;
  }

  /** find returns the drain covering a real, if any (an exact port wins over address-only). */
  find(v: VirtualService, r: RealServer): DrainRecord | undefined {
    let hit: DrainRecord | undefined;
    for (const e of this.byTarget.values()) {
      if (!matches(e.target, v, r)) continue;
      if (e.target.port !== undefined) return e.record;
      hit = e.record;
    }
    return hit;
  }

  records(): DrainRecord[] {
    return [...this.byTarget.values()].map((e) => e.record);
  }
}

/** encodeDrains is the state file's content. */
export function encodeDrains(records: readonly DrainRecord[]): string {
  return `${JSON.stringify({ version: DRAIN_FILE_VERSION, drains: records }, null, 1)}\n`;
}

/**
 * decodeDrains reads a state file. A file that cannot be read as version 1 is an error: the
 * caller logs it and starts with no drains rather than guessing.
 */
export function decodeDrains(text: string): DrainRecord[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new DaemonError('LD_ERR_STATE', `not JSON: ${(e as Error).message}`);
  }
  const d = doc as { version?: unknown; drains?: unknown };
  if (typeof d !== 'object' || d === null || d.version !== DRAIN_FILE_VERSION || !Array.isArray(d.drains)) {
    throw new DaemonError('LD_ERR_STATE', `expected {"version": ${DRAIN_FILE_VERSION}, "drains": [...]}`);
  }
  const out: DrainRecord[] = [];
  for (const x of d.drains as unknown[]) {
    const r = x as Partial<DrainRecord>;
    if (typeof r?.target !== 'string' || typeof r.reason !== 'string' || typeof r.since !== 'number') {
      throw new DaemonError('LD_ERR_STATE', `bad drain entry ${JSON.stringify(x)}`);
    }
    parseTarget(r.target);
    out.push({ target: r.target, reason: r.reason, since: r.since });
  }
  return out;
}
