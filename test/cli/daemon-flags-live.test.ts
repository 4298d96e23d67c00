/**
 * The detached daemon runs with the daemon's V8 flags (src/cli/daemon-flags.ts) on its node
 * command line, and LDIRECTORD_NODE_FLAGS replaces them; the command line the OCF agent pgreps
 * for (`<bin> <config> start`) is unchanged.
 */
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { alive, BASIC, BIN, Sandbox, waitFor } from './helpers.js';

let box: Sandbox;
afterEach(() => box?.cleanup());

const cases: Array<{ desc: string; env?: NodeJS.ProcessEnv; want: string[]; not: string[] }> = [
  { desc: 'the default flags', want: ['--max-semi-space-size=4'], not: [] },
  { desc: 'LDIRECTORD_NODE_FLAGS replaces them', env: { LDIRECTORD_NODE_FLAGS: '--max-semi-space-size=2 --optimize-for-size' }, want: ['--max-semi-space-size=2', '--optimize-for-size'], not: ['--max-semi-space-size=4'] },
  { desc: 'empty LDIRECTORD_NODE_FLAGS: none', env: { LDIRECTORD_NODE_FLAGS: '' }, want: [], not: ['--max-semi-space-size=4'] },
];
for (const c of cases) {
  test(`daemon node flags: ${c.desc}`, async () => {
    box = new Sandbox();
    box.writeConfig('www.cf', BASIC);
    const r = await box.ldirectord(['www.cf', 'start'], { executable: true, env: c.env });
    assert.equal(r.code, 0, r.stderr);
    const pid = box.readPid('www.cf');
    assert.ok(pid && alive(pid));
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'latin1').split('\0');
    const script = argv.indexOf(BIN);
    assert.ok(script > 0, argv.join(' '));
    assert.deepEqual(argv.slice(script, script + 3), [BIN, 'www.cf', 'start']);
    for (const f of c.want) assert.ok(argv.slice(1, script).includes(f), `${f} in ${argv.join(' ')}`);
    for (const f of c.not) assert.ok(!argv.includes(f), `${f} not in ${argv.join(' ')}`);
    const stop = await box.ldirectord(['www.cf', 'stop'], { executable: true });
    assert.equal(stop.code, 0, stop.stderr);
    assert.ok(await waitFor(() => !alive(pid!)), 'stopped');
  });
}
