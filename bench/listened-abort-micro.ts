// What a check's abort controller costs (issue 10): making a plain AbortController vs a
// ListenedAbort, and the reuse test (getEventListeners vs ListenedAbort.listened). One mode per
// process, so the modes do not share V8's feedback; min of 15 rounds of 50,000 operations. The
// loops make garbage of their own, so absolute figures are high: compare the ratios.
//   for m in ctor-plain ctor-listened reuse-plain reuse-listened; do node dist/bench/listened-abort-micro.js $m; done
import { getEventListeners } from 'node:events';
import { ListenedAbort } from '../src/checks/lib/listened-abort.js';

const N = 50_000;
let sink = 0;

function bench(name: string, f: () => void): void {
  let best = Infinity;
  for (let r = 0; r < 15; r++) {
    const t = process.hrtime.bigint();
    f();
    best = Math.min(best, Number(process.hrtime.bigint() - t) / N);
  }
  console.log(`${name}: ${best.toFixed(0)} ns/op (min of 15 rounds)`);
}

const plain = Array.from({ length: 10_000 }, () => new AbortController());
const listened = Array.from({ length: 10_000 }, () => new ListenedAbort());
const modes: Record<string, () => void> = {
  'ctor-plain': () => bench('new AbortController', () => { for (let i = 0; i < N; i++) sink += new AbortController().signal.aborted ? 1 : 0; }),
  'ctor-listened': () => bench('new ListenedAbort', () => { for (let i = 0; i < N; i++) sink += new ListenedAbort().signal.aborted ? 1 : 0; }),
  'reuse-plain': () => bench('aborted || getEventListeners', () => {
    for (let i = 0; i < N; i++) { const a = plain[i % 10_000]!; sink += a.signal.aborted || getEventListeners(a.signal, 'abort').length > 0 ? 1 : 0; }
  }),
  'reuse-listened': () => bench('aborted || listened', () => {
    for (let i = 0; i < N; i++) { const a = listened[i % 10_000]!; sink += a.signal.aborted || a.listened ? 1 : 0; }
  }),
};
const mode = modes[process.argv[2] ?? ''];
if (!mode) throw new Error(`mode: one of ${Object.keys(modes).join(', ')}`);
mode();
if (sink < 0) console.log(sink);
