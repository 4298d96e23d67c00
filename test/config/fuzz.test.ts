// Config fuzzing with fast-check (issue 15): generated and mutated configs (examples/*.cf and
// the fixtures, edited by line, directive, value and byte) never make the loader throw, and
// every diagnostic names the file and a line of it. This is the small budget of every test run;
// bench/config-fuzz.ts runs >= 1,000,000 configs (figures in docs/reliability.md). A failure
// prints the seed and path to replay it: fc.assert(..., { seed, path }).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { configArb, problemOf, seedFiles } from './fuzz-arb.js';
import { load } from './helpers.js';

const SEEDS = seedFiles(process.cwd());

test('fuzz: no config makes the loader throw; every diagnostic has file:line and a message', async () => {
  let rejected = 0;
  let slowest = 0;
  await fc.assert(fc.asyncProperty(configArb(SEEDS), async (text) => {
    const t0 = performance.now();
    const problem = await problemOf(text, load);
    slowest = Math.max(slowest, performance.now() - t0);
    if (problem !== undefined) throw new Error(`${problem}\ninput: ${JSON.stringify(text)}`);
    if (!(await load(text)).ok) rejected++;
  }), { numRuns: 3000, seed: 20261207 }); // fixed: the same configs every run (bench/config-fuzz.ts explores)
  // The generator must reach the error paths and the success path, or this proves little.
  assert.ok(rejected > 1000 && rejected < 2990, `${rejected} of 3000 configs were rejected`);
  // Generous: a config of at most ~60 lines takes well under a millisecond when the machine is idle.
  assert.ok(slowest < 2000, `the slowest config took ${slowest.toFixed(0)} ms`);
});

test('fuzz: the seeds themselves load (a broken seed would make every mutation an error)', async () => {
  assert.ok(SEEDS.length >= 3);
  for (const s of SEEDS) assert.equal(await problemOf(s, load), undefined);
});
