/**
 * Helpers over the director's per-real entries that the hot path and the write pass share:
 * the desired-state input (a drained real is held at weight 0) and the one log line per health
 * change, which names the reason.
 */
import type { CheckSpec } from '../checks/types.js';
import type { RealServer, VirtualService } from '../config/model.js';
import type { RealInput } from './desired.js';
import { hostPort } from '../util/address.js';
import type { RealHealth } from './state.js';

interface EntryLike {
  readonly v: VirtualService;
  readonly real: RealServer;
  readonly health: RealHealth;
  readonly addQuiesced: boolean;
  readonly drain?: unknown;
}

/** realInputs is what desiredFor needs of a virtual's reals. */
export function realInputs(reals: readonly EntryLike[]): RealInput[] {
  return reals.map((r) => ({ real: r.real, health: r.health.health, addQuiesced: r.addQuiesced, drained: r.drain !== undefined }));
}

/**
 * stateChangeLine: `Real server 10.0.0.2:80 (tcp:10.0.0.1:80) is down: ECONNREFUSED (failure
 * 3/3, 0.4 ms)`. The caller logs it for every change but a first check that passes (that is
 * the start, not a change; the IPVS write is logged anyway).
 */
export function stateChangeLine(
  e: EntryLike, to: 'up' | 'down', r: { readonly message: string; readonly durationMs: number }, failures: number, first: boolean,
): string {
  const real = `${hostPort(e.real.family, e.real.address, e.real.port)} (${e.v.id})`;
  const count = first ? 'first check, ' : to === 'down' && failures > 0 ? `failure ${failures}/${e.v.failurecount}, ` : '';
  return `Real server ${real} is ${to}: ${r.message || '-'} (${count}${r.durationMs.toFixed(1)} ms)`;
}

/** checkName names what a spec runs (`http`, `connect`, `external`, ...): the histogram's label. */
export function checkName(spec: CheckSpec): string {
  return spec.kind === 'negotiate' ? spec.service : spec.kind;
}

/** checkLine is the -d line for one check: `Check http 10.0.0.2:80: up: 200 OK (1.2 ms)`. */
export function checkLine(spec: CheckSpec, r: { readonly up: boolean; readonly message: string; readonly durationMs: number; readonly forced?: boolean }): string {
  const what = checkName(spec);
  const target = hostPort(spec.family, spec.realAddress, spec.checkPort);
  return `Check ${what} ${target}: ${r.up ? 'up' : 'down'}: ${r.message || '-'}${r.forced ? ' (forced)' : ''} (${r.durationMs.toFixed(1)} ms)`;
}
