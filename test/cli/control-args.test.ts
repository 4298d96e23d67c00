import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseArgs } from '../../src/cli/args.js';
import { parseControlArgs } from '../../src/cli/control-args.js';

test('control actions: [config] show|drain|enable words...; the original two-word form still wins', async () => {
  assert.deepEqual(await parseArgs(['www', 'show', '--json']), { kind: 'run', debug: false, config: 'www', action: 'show', actionArgs: ['--json'], confdir: undefined, piddir: undefined, stopTimeout: undefined });
  const one = await parseArgs(['show']);
  assert.deepEqual([one.kind === 'run' && one.config, one.kind === 'run' && one.action], [undefined, 'show']);
  const dbg = await parseArgs(['-d', 'www', 'drain', '10.0.0.2:80', '--reason', 'kernel upgrade']);
  assert.ok(dbg.kind === 'run' && dbg.debug && dbg.action === 'drain');
  assert.deepEqual(dbg.kind === 'run' && dbg.actionArgs, ['10.0.0.2:80', '--reason', 'kernel upgrade']);
  // A config named "show" with the original's actions is still the original's command line.
  const st = await parseArgs(['show', 'status']);
  assert.ok(st.kind === 'run' && st.config === 'show' && st.action === 'status');
  assert.equal((await parseArgs(['www', 'status', 'extra'])).kind, 'usage');
});

test('control action words: options, the real, usage messages', () => {
  assert.deepEqual(parseControlArgs('show', []), { action: 'show', json: false });
  assert.deepEqual(parseControlArgs('show', ['--json']), { action: 'show', json: true });
  assert.deepEqual(parseControlArgs('drain', ['10.0.0.2', '--reason=a b']), { action: 'drain', real: '10.0.0.2', reason: 'a b' });
  assert.deepEqual(parseControlArgs('drain', ['--reason', 'x', '[2001:db8::1]:80']), { action: 'drain', real: '[2001:db8::1]:80', reason: 'x' });
  assert.deepEqual(parseControlArgs('enable', ['10.0.0.2:80']), { action: 'enable', real: '10.0.0.2:80' });
  const usage = (a: 'show' | 'drain' | 'enable', w: string[]) => {
    const r = parseControlArgs(a, w);
    assert.ok('usage' in r, `${a} ${w.join(' ')}`);
    return r.usage;
  };
  assert.match(usage('show', ['--yaml']), /unexpected argument "--yaml"/);
  assert.match(usage('drain', []), /which real server\?/);
  assert.match(usage('drain', ['10.0.0.2', '--reason']), /--reason needs a text/);
  assert.match(usage('enable', ['10.0.0.2', '--reason', 'x']), /unexpected argument "--reason"/);
  assert.match(usage('drain', ['www.example.com']), /not a numeric address/);
  assert.match(usage('drain', ['10.0.0.2', '10.0.0.3']), /unexpected argument "10\.0\.0\.3"/);
});
