// Parsing is linear in the size of the file (issue 15): a reload parses on the event loop that
// runs the checks, so one hostile or broken line must not stall it for seconds. Each shape is a
// known former O(n^2) path or a neighbour of one. The test compares one load of size 32n with
// 32 loads of size n whose results are all kept alive: the same bytes parsed and the same
// objects live, so the garbage collector works alike on both sides (one load of n against one of
// 16n bent the linear curve up to 100x). Linear code gives 1-6x (a bigger map or set misses the
// caches more), the quadratic versions 32x or more (emailalertstatus with 32 KB of blanks took
// 0.8 s). The bound 10x sits between them with room for a loaded machine: the minimum of two
// runs is taken, and a shape gets three tries, since a test file running beside this one can
// stall one measurement but a quadratic path is over the bound every time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { load } from './helpers.js';

/** F is the size factor between the small and the big input; N x F stays under the 64 Ki line bound. */
const F = 32;

/** Shape is one input family, made at size n. */
type Shape = { readonly desc: string; readonly make: (n: number) => string };

const lines = (f: (i: number) => string) => (n: number): string => Array.from({ length: n }, (_, i) => f(i)).join('\n');
const blanks = (n: number): string => ' '.repeat(n);

const SHAPES: readonly Shape[] = [
  { desc: 'emailalertstatus: blanks inside the value', make: (n) => `emailalertstatus=running${blanks(n)}x\n` },
  { desc: 'emailalertstatus: trailing blanks', make: (n) => `emailalertstatus=running${blanks(n)}\n` },
  { desc: 'emailalertstatus: tabs around commas', make: (n) => `emailalertstatus=running${'\t,\t'.repeat(n / 3)}x\n` },
  { desc: 'per-virtual emailalertstatus with blanks', make: (n) => `virtual=192.0.2.1:80\n\temailalertstatus=all${blanks(n)}y\n` },
  { desc: 'a real line with blanks before junk', make: (n) => `virtual=192.0.2.1:80\n\treal=192.0.2.2:80 gate${blanks(n)}x\n` },
  { desc: 'a fallback with blanks before junk', make: (n) => `fallback=192.0.2.2:80${blanks(n)}gate x\n` },
  { desc: 'a key followed by blanks and junk', make: (n) => `checkinterval${blanks(n)}x\n` },
  { desc: 'n unknown directives (one diagnostic each)', make: lines(() => 'frobnicate=1') },
  { desc: 'n repeated globals (one warning each)', make: lines(() => 'checkinterval=5') },
  { desc: 'n distinct execute= lines', make: lines((i) => `execute=c${i}.cf`) },
  { desc: 'n junk lines', make: lines(() => '!!!') },
];

/** cost is the best of two times to load every text, keeping every result alive until the end. */
async function cost(texts: readonly string[]): Promise<number> {
  let best = Infinity;
  for (let k = 0; k < 2; k++) {
    const kept = [];
    const t0 = performance.now();
    for (const t of texts) kept.push(await load(t));
    best = Math.min(best, performance.now() - t0);
    assert.equal(kept.length, texts.length);
  }
  return best;
}

/** N is the small size: big enough that a quadratic term dominates at N x F. */
const N = 2000;

/** ratio measures cost(one text of size F*N) / cost(F texts of size N). */
async function ratio(s: Shape): Promise<{ small: number; big: number; r: number }> {
  const small = await cost(Array.from({ length: F }, () => s.make(N)));
  const big = await cost([s.make(F * N)]);
  return { small, big, r: big / small };
}

for (const s of SHAPES) {
  test(`linear parse: ${s.desc}`, async () => {
    const tries = [];
    for (let k = 0; k < 3; k++) {
      const m = await ratio(s);
      tries.push(`${F} x size ${N}: ${m.small.toFixed(1)} ms, 1 x size ${F * N}: ${m.big.toFixed(1)} ms (${m.r.toFixed(1)}x)`);
      if (m.r < 10) return;
    }
    assert.fail(`cost grew faster than linear (linear is 1-6x, bound 10x):\n${tries.join('\n')}`);
  });
}
