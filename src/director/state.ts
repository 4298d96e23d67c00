/**
 * The pure health state machines: one per (virtual, real), one per virtual (fallback and quorum).
 * No I/O, no timers: the director feeds events in and acts on the transitions that come out.
 *
 * Real:  unknown --check ok--> up            unknown --check fail--> down (no soft failures:
 *        up --fail x failurecount--> down     it never served, so nothing is taken away)
 *        down --ok x risecount--> up          force(up|down): maintenance, checktype on/off
 */

/** Health of one real in one virtual. `unknown` = not checked yet (and not adopted from the kernel). */
export type Health = 'unknown' | 'up' | 'down';

/** RealHealth is the per-(virtual, real) state; failcount is per virtual (the original shared it). */
export interface RealHealth {
  readonly health: Health;
  /** Consecutive failures while up (soft failures). */
  readonly failcount: number;
  /** Consecutive successes while down (extension: risecount). */
  readonly rises: number;
}

export const UNKNOWN: RealHealth = Object.freeze({ health: 'unknown', failcount: 0, rises: 0 });
/** ADOPTED is the state of a real found serving (weight > 0) in the kernel at start. */
export const ADOPTED: RealHealth = Object.freeze({ health: 'up', failcount: 0, rises: 0 });

/** HealthEvent: a check result, or a forced state (maintenance, checktype on/off). */
export type HealthEvent =
  | { readonly type: 'check'; readonly up: boolean }
  | { readonly type: 'force'; readonly up: boolean };

export interface StepParams { readonly failurecount: number; readonly risecount: number }

/** Note is what the director logs besides a transition. */
export type StepNote = 'soft-failure' | 'reset-soft' | 'rising' | null;

export interface StepResult {
  readonly next: RealHealth;
  readonly transition: 'up' | 'down' | null;
  readonly note: StepNote;
}

const UP: RealHealth = Object.freeze({ health: 'up', failcount: 0, rises: 0 });
const DOWN: RealHealth = Object.freeze({ health: 'down', failcount: 0, rises: 0 });
/** STAY_UP is the answer to the most common event (up, passes): shared, so no garbage per check. */
const STAY_UP: StepResult = Object.freeze({ next: UP, transition: null, note: null });

/** step applies one event to a real's health (ldirectord _service_up L4229 / _service_down L4261). */
export function step(s: RealHealth, e: HealthEvent, p: StepParams): StepResult {
  if (e.type === 'force') {
    const target = e.up ? UP : DOWN;
    return { next: target, transition: s.health === target.health ? null : target.health as 'up' | 'down', note: null };
  }
  if (s.health === 'unknown') {
    // First result decides at once: a never-served real has no soft failures and no rise count.
    return { next: e.up ? UP : DOWN, transition: e.up ? 'up' : 'down', note: null };
  }
  if (s.health === 'up') {
    if (e.up) return s.failcount > 0 ? { next: UP, transition: null, note: 'reset-soft' } : STAY_UP;
    const failcount = s.failcount + 1;
    if (failcount < p.failurecount) {
      return { next: { health: 'up', failcount, rises: 0 }, transition: null, note: 'soft-failure' };
    }
    return { next: { health: 'down', failcount, rises: 0 }, transition: 'down', note: null };
  }
  // down
  if (!e.up) return { next: s.rises === 0 ? s : { ...s, rises: 0 }, transition: null, note: null };
  const rises = s.rises + 1;
  if (rises < Math.max(1, p.risecount)) return { next: { ...s, rises }, transition: null, note: 'rising' };
  return { next: UP, transition: 'up', note: s.failcount > 0 ? 'reset-soft' : null };
}

/** VirtualHealth: whether the fallback is in and whether quorum holds. */
export interface VirtualHealth {
  readonly fallbackActive: boolean;
  readonly quorumOk: boolean;
  readonly liveWeight: number;
}

export interface VirtualParams {
  /** Extension: minimum live weight; undefined = original rule (fallback when no real is up). */
  readonly quorum?: number;
  readonly hysteresis: number;
  /** checktype=off: the virtual is switched off; it never activates its fallback (bug #11). */
  readonly off: boolean;
}

/** RealView is what the virtual machine needs of each real. */
export interface RealView { readonly health: Health; readonly weight: number }

/**
 * evalVirtual recomputes the virtual's state. Returns undefined while some real is still unknown:
 * the fallback is not decided before the first round has an answer for every real, so startup
 * never adds a fallback just to delete it a moment later.
 */
export function evalVirtual(prev: VirtualHealth | undefined, reals: readonly RealView[], p: VirtualParams): VirtualHealth | undefined {
  if (reals.some((r) => r.health === 'unknown')) return undefined;
  const up = reals.filter((r) => r.health === 'up');
  const liveWeight = up.reduce((a, r) => a + r.weight, 0);
  let quorumOk: boolean;
  if (p.quorum === undefined) quorumOk = up.length > 0;
  else if (prev === undefined) quorumOk = liveWeight >= p.quorum;
  else if (prev.quorumOk) quorumOk = liveWeight >= p.quorum - p.hysteresis;
  else quorumOk = liveWeight >= p.quorum + p.hysteresis;
  return { fallbackActive: !p.off && !quorumOk, quorumOk, liveWeight };
}
