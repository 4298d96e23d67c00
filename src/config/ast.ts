/**
 * The syntax tree of a .cf file: what the parser saw, with positions and no defaults and no
 * interpretation of values. The validator (validate.ts) turns it into the Model.
 */

/** Directive is one `key=value` line (or a bare `key`, which only `supervised` allows). */
export interface Directive {
  readonly key: string;
  /** Value after `=`, comments removed and surrounding whitespace trimmed; undefined if no `=`. */
  readonly value: string | undefined;
  readonly line: number;
}

/** VirtualBlock is a column-0 `virtual=`/`virtual6=` line and its indented body. */
export interface VirtualBlock {
  readonly header: Directive;
  readonly body: readonly Directive[];
}

/** SyntaxProblem is a line the parser could not place (bad indentation, no key, ...). */
export interface SyntaxProblem {
  readonly line: number;
  readonly directive: string;
  readonly message: string;
}

/** Ast is one parsed file: globals in file order, virtual blocks in file order. */
export interface Ast {
  readonly file: string;
  readonly globals: readonly Directive[];
  readonly virtuals: readonly VirtualBlock[];
  readonly problems: readonly SyntaxProblem[];
}
