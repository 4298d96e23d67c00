// Lexical rules of the .cf format (reference §2.1): column-0 globals, 4-space/tab indentation,
// blank lines end a block, comments (also the fixed `#`-inside-quotes bug).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from '../../src/config/parse.js';
import { stripComment } from '../../src/config/lexer.js';
import { checkErrors, checkFields, V, type ErrorCase, type FieldCase } from './helpers.js';

const R = 'real=192.0.2.2:80 gate';

const fields: FieldCase[] = [
  { desc: 'column-0 global', cf: 'checkinterval=7\n', want: { 'global.checkinterval': 7 } },
  { desc: 'spaces around =', cf: 'checkinterval = 7\n', want: { 'global.checkinterval': 7 } },
  { desc: 'tab indentation', cf: `virtual=192.0.2.1:80\n\t${R}\n\tscheduler=rr\n`, want: { 'virtuals.0.scheduler': 'rr', 'virtuals.0.reals.length': 1 } },
  { desc: '4-space indentation', cf: `virtual=192.0.2.1:80\n    ${R}\n    scheduler=rr\n`, want: { 'virtuals.0.scheduler': 'rr' } },
  { desc: '8 spaces and tab+space also count', cf: `virtual=192.0.2.1:80\n        ${R}\n\t scheduler=rr\n`, want: { 'virtuals.0.scheduler': 'rr' } },
  { desc: 'a column-0 comment inside a block does not end it', cf: `virtual=192.0.2.1:80\n\t${R}\n# note\n\tscheduler=rr\n`, want: { 'virtuals.0.scheduler': 'rr' } },
  { desc: 'an indented comment inside a block', cf: `virtual=192.0.2.1:80\n\t# note\n\t${R}\n`, want: { 'virtuals.0.reals.length': 1 } },
  { desc: 'a column-0 global ends the block', cf: `virtual=192.0.2.1:80\n\t${R}\nchecktimeout=9\n`, want: { 'virtuals.0.checktimeout': 9 } },
  { desc: 'blank line then global', cf: `virtual=192.0.2.1:80\n\t${R}\n\nquiescent=yes\n`, want: { 'global.quiescent': true, 'virtuals.0.quiescent': true } },
  { desc: 'inline comment on a global yes/no (original: error)', cf: 'quiescent=yes # comment\n', want: { 'global.quiescent': true } },
  { desc: 'trailing space on a global (original: error)', cf: 'quiescent=yes   \n', want: { 'global.quiescent': true } },
  { desc: 'inline comment in a block', cf: V('scheduler=rr # round robin'), want: { 'virtuals.0.scheduler': 'rr' } },
  { desc: '# inside quotes is not a comment (original cut it)', cf: V('request="/a#b"', 'receive="x#y" # real comment'), want: { 'virtuals.0.request': '/a#b', 'virtuals.0.receive': 'x#y' } },
  { desc: 'CRLF line endings', cf: `checkinterval=4\r\nvirtual=192.0.2.1:80\r\n\t${R}\r\n`, want: { 'global.checkinterval': 4, 'virtuals.0.reals.0.port': 80 } },
  { desc: 'no newline at end of file', cf: `virtual=192.0.2.1:80\n\t${R}`, want: { 'virtuals.0.reals.length': 1 } },
  { desc: 'whitespace-only line ends the block like a blank line', cf: `virtual=192.0.2.1:80\n\t${R}\n      \nchecktimeout=3\n`, want: { 'virtuals.0.checktimeout': 3 } },
];

const errs: ErrorCase[] = [
  { desc: 'indented global (1-3 spaces)', cf: '  checkinterval=5\n', want: [[1, 'checkinterval', 'indented by 1-3 spaces']] },
  { desc: 'indented global (tab) outside a block', cf: '\tcheckinterval=5\n', want: [[1, 'checkinterval', 'outside a virtual block']] },
  { desc: 'indented line after a blank line', cf: `virtual=192.0.2.1:80\n\t${R}\n\n\tscheduler=rr\n`, want: [[4, 'scheduler', 'outside a virtual block']] },
  { desc: 'three-space indentation in a block', cf: `virtual=192.0.2.1:80\n\t${R}\n   scheduler=rr\n`, want: [[3, 'scheduler', 'indented by 1-3 spaces']] },
  { desc: 'a line without key=value', cf: 'this is not a directive\n', want: [[1, '', 'cannot parse "this is not a directive"']] },
  { desc: 'unknown global', cf: 'frobnicate=1\n', want: [[1, 'frobnicate', 'unknown directive "frobnicate"']] },
  { desc: 'keys are case-sensitive', cf: 'CheckInterval=5\n', want: [[1, 'CheckInterval', 'unknown directive']] },
  { desc: 'unknown per-virtual directive', cf: V('frobnicate=1'), want: [[3, 'frobnicate', 'unknown directive']] },
  { desc: 'global-only key in a block', cf: V('fork=yes'), want: [[3, 'fork', 'global directive']] },
  { desc: 'maintenancedir in a block', cf: V('maintenancedir=/tmp'), want: [[3, 'maintenancedir', 'global directive']] },
  { desc: 'per-virtual key at column 0', cf: 'scheduler=rr\n', want: [[1, 'scheduler', 'belongs inside a virtual block']] },
  { desc: 'real at column 0', cf: `virtual=192.0.2.1:80\n${R}\n`, want: [[2, 'real', 'belongs inside a virtual block']] },
  { desc: 'virtual inside a block', cf: V('virtual=192.0.2.9:80'), want: [[3, 'virtual', 'global directive']] },
  { desc: 'directive without =', cf: 'checkinterval\n', want: [[1, 'checkinterval', 'expected checkinterval=value']] },
  { desc: 'a comment cut inside an unclosed quote stays an error', cf: V('request="/a'), want: [[3, 'request', 'double-quoted']] },
  { desc: 'a line over 64 Ki characters is refused by its length; its block goes on',
    cf: `virtual=192.0.2.1:80\n\tcomment=${'x'.repeat(65536)}\n\tscheduler=bad!\n`,
    want: [[2, '', 'line is 65545 characters long; at most 65536'], [3, 'scheduler', 'lowercase letters']] },
  { desc: 'a long comment-only line counts too', cf: `#${' '.repeat(65536)}\n`, want: [[1, '', 'at most 65536']] },
  { desc: 'a junk line is echoed shortened', cf: `${'!'.repeat(300)}\n`, want: [[1, '', /^cannot parse "!{60}\.\.\." \(300 characters\): expected key=value$/]] },
];

for (const c of fields) test(`lexical ok: ${c.desc}`, () => checkFields(c));
for (const c of errs) test(`lexical error: ${c.desc}`, () => checkErrors(c));

test('parse keeps positions and applies no defaults', () => {
  const ast = parse('/x.cf', 'checktimeout=3\n\nvirtual=192.0.2.1:80\n\t# c\n\treal=192.0.2.2 gate\n\tservice=http\nfork=no\n');
  assert.deepEqual(ast.globals, [
    { key: 'checktimeout', value: '3', line: 1 },
    { key: 'fork', value: 'no', line: 7 },
  ]);
  assert.equal(ast.virtuals.length, 1);
  assert.deepEqual(ast.virtuals[0]!.header, { key: 'virtual', value: '192.0.2.1:80', line: 3 });
  assert.deepEqual(ast.virtuals[0]!.body.map((d) => [d.key, d.line]), [['real', 5], ['service', 6]]);
  assert.deepEqual(ast.problems, []);
});

test('a bodiless last virtual= is one block, not a duplicate (original: duplicate error)', async () => {
  await checkFields({ desc: 'bodiless last', cf: `virtual=192.0.2.1:80\n\t${R}\n\nvirtual=192.0.2.5:80\n`, want: { 'virtuals.length': 2, 'virtuals.1.reals.length': 0 } });
  await checkFields({ desc: 'bodiless only', cf: 'virtual=192.0.2.5:80', want: { 'virtuals.length': 1 } });
});

test('stripComment honours double quotes', () => {
  const cases: [string, string][] = [
    ['a=1 # c', 'a=1 '], ['a="x#y"', 'a="x#y"'], ['a="x#y" # c', 'a="x#y" '], ['#all', ''], ['a="unclosed # c', 'a="unclosed # c'],
  ];
  for (const [input, want] of cases) assert.equal(stripComment(input), want, input);
});
