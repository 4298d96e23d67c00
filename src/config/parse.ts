/**
 * The parser: groups lexed lines into globals and virtual blocks (ldirectord L1316-1811). It is
 * pure: no defaults, no value checks, no name resolution. Misplaced lines become SyntaxProblems.
 */
import type { Ast, Directive, SyntaxProblem, VirtualBlock } from './ast.js';
import { lex } from './lexer.js';

const VIRTUAL_KEYS = new Set(['virtual', 'virtual6']);

/** parse builds the Ast of one file's text. */
export function parse(file: string, text: string): Ast {
  const globals: Directive[] = [];
  const virtuals: VirtualBlock[] = [];
  const problems: SyntaxProblem[] = [];
  let block: { header: Directive; body: Directive[] } | undefined;
  const close = (): void => {
    if (block) virtuals.push({ header: block.header, body: block.body });
    block = undefined;
  };

  for (const t of lex(text)) {
    if (t.kind === 'blank') {
      close();
      continue;
    }
    if (t.kind === 'junk') {
      if (t.indent !== 'block' || !block) close();
      problems.push({ line: t.line, directive: '', message: `cannot parse "${t.text}": expected key=value` });
      continue;
    }
    const d: Directive = { key: t.key, value: t.value, line: t.line };
    if (t.indent === 'block') {
      if (block) block.body.push(d);
      else problems.push({
        line: t.line, directive: t.key,
        message: 'indented line outside a virtual block (a blank line or a column-0 line ends a block; '
          + 'global directives start in column 0)',
      });
      continue;
    }
    close();
    if (t.indent === 'shallow') {
      problems.push({
        line: t.line, directive: t.key,
        message: 'indented by 1-3 spaces: lines of a virtual block need at least 4 spaces or a tab, '
          + 'global directives start in column 0',
      });
      continue;
    }
    if (VIRTUAL_KEYS.has(t.key)) block = { header: d, body: [] };
    else globals.push(d);
  }
  close();
  return { file, globals, virtuals, problems };
}
