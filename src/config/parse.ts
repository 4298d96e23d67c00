/**
 * The parser: groups lexed lines into globals and virtual blocks (ldirectord L1316-1811). It is
 * pure: no defaults, no value checks, no name resolution. Misplaced lines become SyntaxProblems.
 */
import type { Ast, Directive, SyntaxProblem, VirtualBlock } from './ast.js';
import { lex, MAX_LINE_CHARS } from './lexer.js';

const VIRTUAL_KEYS = new Set(['virtual', 'virtual6']);

const EXCERPT_CHARS = 60;

/** excerpt quotes a bad line, shortened so a long one does not flood the log or the terminal. */
function excerpt(text: string): string {
  return text.length <= EXCERPT_CHARS ? `"${text}"` : `"${text.slice(0, EXCERPT_CHARS)}..." (${text.length} characters)`;
}

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
    if (t.kind === 'junk' || t.kind === 'oversized') {
      // An indented bad line stays in its block, so the lines after it are not misreported.
      if (t.indent !== 'block' || !block) close();
      const message = t.kind === 'junk' ? `cannot parse ${excerpt(t.text)}: expected key=value`
        : `line is ${t.length} characters long; at most ${MAX_LINE_CHARS} are allowed`;
      problems.push({ line: t.line, directive: '', message });
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
