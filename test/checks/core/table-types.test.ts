/**
 * The table line types its checker (issue 10): a checker that reads an option its line does not
 * declare does not compile. The `@ts-expect-error` lines are the test: if the error they expect
 * went away, the build (tsc) fails. At run time they only show the lines are well formed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { line } from '../../../src/checks/table.js';
import type { CheckFn, SpecOf } from '../../../src/checks/types.js';

const down = { up: false, message: '-', durationMs: 0 };
const readsLogin: CheckFn<SpecOf<'login'>> = async (spec) => ({ ...down, message: spec.login });

test('a line declaring what its checker reads compiles; one declaring less does not', () => {
  const ok = line(0, ['login', 'passwd'], async () => readsLogin);
  // @ts-expect-error the checker reads login, which this line does not declare
  const missing = line(0, ['passwd'], async () => readsLogin);
  assert.deepEqual([ok.reads, missing.reads], [['login', 'passwd'], ['passwd']]);
});

test('a checker cannot read an option outside its spec', () => {
  const checker: CheckFn<SpecOf<'request'>> = async (spec) => {
    // @ts-expect-error login is not among the options of SpecOf<'request'>
    const login: unknown = spec.login;
    return { ...down, message: `${spec.request} ${String(login)}` };
  };
  assert.equal(typeof checker, 'function');
});
