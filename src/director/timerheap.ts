/**
 * TimerHeap multiplexes many deadlines onto one Clock timer: a binary min-heap of entries, one
 * armed timer for the earliest. At 10k checks/s this replaces two native timers (and their
 * closures) per check with two small heap entries, which keeps GC pauses, and so lag, down.
 * Cancelling is lazy: the owner bumps a token and stale entries are skipped when popped.
 */
import type { Clock, TimerHandle } from '../util/clock.js';

/** HeapEntry: `at` is monotonic ms; `target`/`type`/`token` are the owner's to interpret. */
export interface HeapEntry<T> { at: number; seq: number; target: T; type: number; token: number }

export class TimerHeap<T> {
  private h: HeapEntry<T>[] = [];
  private seq = 0;
  private armedAt = Infinity;
  private timer: TimerHandle | undefined;

  /** `fire` gets each due entry and the clock reading of its batch (one read per batch, not per entry). */
  constructor(private readonly clock: Clock, private readonly fire: (e: HeapEntry<T>, now: number) => void) {}

  get size(): number { return this.h.length; }

  push(at: number, target: T, type: number, token: number): void {
    const e: HeapEntry<T> = { at, seq: this.seq++, target, type, token };
    const h = this.h;
    h.push(e);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!less(h[i]!, h[parent]!)) break;
      [h[i], h[parent]] = [h[parent]!, h[i]!];
      i = parent;
    }
    if (at < this.armedAt) this.arm();
  }

  /** clear drops every entry and the armed timer. */
  clear(): void {
    this.h = [];
    if (this.timer) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.armedAt = Infinity;
  }

  private pop(): HeapEntry<T> | undefined {
    const h = this.h;
    const top = h[0];
    const last = h.pop();
    if (h.length > 0 && last) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1, r = l + 1;
        let m = i;
        if (l < h.length && less(h[l]!, h[m]!)) m = l;
        if (r < h.length && less(h[r]!, h[m]!)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m]!, h[i]!];
        i = m;
      }
    }
    return top;
  }

  private arm(): void {
    if (this.timer) this.clock.clearTimeout(this.timer);
    const top = this.h[0];
    if (!top) { this.timer = undefined; this.armedAt = Infinity; return; }
    this.armedAt = top.at;
    this.timer = this.clock.setTimeout(() => this.run(), Math.max(0, top.at - this.clock.monotonic()));
  }

  private run(): void {
    this.timer = undefined;
    this.armedAt = Infinity;
    const now = this.clock.monotonic();
    // Entries pushed while running (due now) are taken in this same pass.
    while (this.h.length > 0 && this.h[0]!.at <= now) this.fire(this.pop()!, now);
    this.arm();
  }
}

function less<T>(a: HeapEntry<T>, b: HeapEntry<T>): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}
