/**
 * The line lexer: classifies each physical line of a .cf file by indentation and splits it into
 * `key` and `value`. It knows nothing about which keys exist (ldirectord L1316-1811, reference §2.1).
 */

/** Indent: column 0, a block line (>= 4 spaces, a tab counts as 4), or 1-3 spaces. */
export type Indent = 'col0' | 'block' | 'shallow';

/** Token is one non-blank, non-comment line, or a marker for a blank line. */
export type Token =
  | { readonly kind: 'blank'; readonly line: number }
  | { readonly kind: 'directive'; readonly line: number; readonly indent: Indent;
      readonly key: string; readonly value: string | undefined }
  | { readonly kind: 'junk'; readonly line: number; readonly indent: Indent; readonly text: string }
  | { readonly kind: 'oversized'; readonly line: number; readonly indent: Indent; readonly length: number };

/**
 * MAX_LINE_CHARS bounds one line. No directive needs more (a real line with its request and
 * receive strings is a few hundred characters); a longer line is a mistake or an attack, and
 * is reported by its length instead of being echoed back in a diagnostic.
 */
export const MAX_LINE_CHARS = 65536;

const KEY_RE = /^([A-Za-z][A-Za-z0-9_-]*)\s*(?:=(.*))?$/;

/**
 * stripComment removes a `#` comment that is outside double quotes. The original strips from the
 * first `#` even inside quotes (L1406 strips from any `#`), so `request="/a#b"` broke; we don't.
 */
export function stripComment(text: string): string {
  let inQuote = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') inQuote = !inQuote;
    else if (c === '#' && !inQuote) return text.slice(0, i);
  }
  return text;
}

function indentOf(text: string): { indent: Indent; rest: string } {
  // ldirectord L1407: tabs become 4 spaces, then a block line needs /^ {4,}/.
  const expanded = text.replace(/^[ \t]+/, (ws) => ws.replace(/\t/g, '    '));
  const n = expanded.length - expanded.trimStart().length;
  const indent: Indent = n === 0 ? 'col0' : n >= 4 ? 'block' : 'shallow';
  return { indent, rest: expanded.slice(n) };
}

/** lex turns file text into tokens; comment-only lines (at any indentation) are dropped. */
export function lex(text: string): Token[] {
  const out: Token[] = [];
  const lines = text.split(/\r?\n/);
  // A trailing newline yields one empty last element that is not a line of the file.
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  lines.forEach((raw, i) => {
    const line = i + 1;
    if (raw.length > MAX_LINE_CHARS) {
      out.push({ kind: 'oversized', line, indent: indentOf(raw).indent, length: raw.length });
      return;
    }
    // ldirectord L1404: /^\s*#/ lines are skipped everywhere and do not end a block.
    if (/^\s*#/.test(raw)) return;
    const body = stripComment(raw);
    // Whitespace-only lines (also after removing a trailing comment) count as blank.
    if (body.trim() === '') {
      out.push({ kind: 'blank', line });
      return;
    }
    const { indent, rest } = indentOf(body);
    const m = KEY_RE.exec(rest.trimEnd());
    if (!m) {
      out.push({ kind: 'junk', line, indent, text: rest.trimEnd() });
      return;
    }
    const value = m[2] === undefined ? undefined : m[2].trim();
    out.push({ kind: 'directive', line, indent, key: m[1] ?? '', value });
  });
  return out;
}
