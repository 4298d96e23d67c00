import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseArgs, plainArgs, yargsArgs, type ParsedArgs } from '../../src/cli/args.js';

// Getopt::Long bundling + require_order + no_auto_abbrev, as the original (L888-891).
const cases: { desc: string; argv: string[]; want: Partial<ParsedArgs> & { kind: ParsedArgs['kind'] } }[] = [
  { desc: 'one argument: action only', argv: ['start'], want: { kind: 'run', action: 'start', config: undefined, debug: false } },
  { desc: 'two arguments: config and action', argv: ['www', 'status'], want: { kind: 'run', config: 'www', action: 'status' } },
  { desc: 'numeric config name stays a string', argv: ['80', 'stop'], want: { kind: 'run', config: '80', action: 'stop' } },
  { desc: '-d before the arguments', argv: ['-d', 'www', 'start'], want: { kind: 'run', debug: true, config: 'www' } },
  { desc: '--debug long form', argv: ['--debug', 'start'], want: { kind: 'run', debug: true } },
  { desc: '-- ends options', argv: ['--', '-x', 'start'], want: { kind: 'run', config: '-x', action: 'start' } },
  { desc: 'configtest is an action', argv: ['www', 'configtest'], want: { kind: 'run', action: 'configtest' } },
  { desc: 'bundled -dv is -d -v: version', argv: ['-dv', 'www', 'start'], want: { kind: 'version' } },
  { desc: '-h', argv: ['-h'], want: { kind: 'help' } },
  { desc: '-? is help', argv: ['-?'], want: { kind: 'help' } },
  { desc: 'help wins over version', argv: ['-v', '-h'], want: { kind: 'help' } },
  { desc: '--version', argv: ['--version'], want: { kind: 'version' } },
  { desc: 'require_order: -d after the arguments is an argument', argv: ['www', 'start', '-d'], want: { kind: 'usage' } },
  { desc: 'no arguments', argv: [], want: { kind: 'usage' } },
  { desc: 'unknown action', argv: ['www', 'bogus'], want: { kind: 'usage' } },
  { desc: 'unknown long option', argv: ['--bogus', 'start'], want: { kind: 'usage' } },
  { desc: 'unknown option in a bundle', argv: ['-dz', 'start'], want: { kind: 'usage' } },
  { desc: 'no abbreviations', argv: ['--deb', 'start'], want: { kind: 'usage' } },
  { desc: 'no --no-x negation', argv: ['--no-debug', 'start'], want: { kind: 'usage' } },
  { desc: '--confdir needs a value', argv: ['--confdir'], want: { kind: 'usage' } },
  { desc: '--confdir and --piddir', argv: ['--confdir', '/a:/b', '--piddir=/p', 'www', 'stop'], want: { kind: 'run', confdir: '/a:/b', piddir: '/p' } },
  { desc: '--stop-timeout seconds', argv: ['--stop-timeout', '2.5', 'www', 'stop'], want: { kind: 'run', stopTimeout: 2.5 } },
  { desc: '--stop-timeout rejects junk', argv: ['--stop-timeout', 'soon', 'www', 'stop'], want: { kind: 'usage' } },
];

for (const c of cases) {
  test(`parseArgs: ${c.desc}`, async () => {
    const got = (await parseArgs(c.argv)) as unknown as Record<string, unknown>;
    for (const [k, v] of Object.entries(c.want)) assert.deepEqual(got[k], v, `${k} in ${JSON.stringify(got)}`);
  });
}

// The yargs-free path must give exactly what yargs gives for every command line it accepts.
const plainLines: string[][] = [
  ['start'], ['stop'], ['configtest'], ['bogus'], ['www', 'start'], ['www.cf', 'reload'], ['/etc/ha.d/www.cf', 'status'],
  ['www', 'bogus'], ['0', 'start'], ['www', '1'], ['ldirectord.cf', 'force-reload'], ['a b', 'try-restart'],
];
for (const argv of plainLines) {
  test(`plainArgs agrees with yargs: ${JSON.stringify(argv)}`, async () => {
    const plain = plainArgs(argv);
    assert.ok(plain, 'the plain path should take this line');
    assert.deepEqual(plain, await yargsArgs(argv));
  });
}
for (const argv of [[], [''], ['-d', 'start'], ['www', '-d'], ['www', 'start', 'extra'], ['--help'], ['www', '--', 'start']]) {
  test(`plainArgs leaves ${JSON.stringify(argv)} to yargs`, () => {
    assert.equal(plainArgs(argv), undefined);
  });
}
