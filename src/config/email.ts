/**
 * emailalert and emailalertstatus values (ldirectord read_emailalert L1306,
 * parse_emailalertstatus L1231-1274).
 */
import type { Directive } from './ast.js';
import { EMAIL_STATUS_BITS } from './model.js';
import { unquote, type Ctx } from './values.js';

const ALL = 15;

/** emailAddresses parses `"a@x, b@y"` (quotes optional) into a list; empty is an error. */
export function emailAddresses(ctx: Ctx, d: Directive): string[] | undefined {
  const list = unquote(d.value ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (list.length === 0) {
    ctx.diags.error(d.line, d.key, 'no email address specified');
    return undefined;
  }
  return list;
}

/**
 * emailStatus parses a comma list of all|none|starting|running|stopping|reloading into the
 * status bitmask (starting 1, running 2, stopping 4, reloading 8; all 15; none 0).
 * `none` together with anything else is an error, as in the original.
 */
export function emailStatus(ctx: Ctx, d: Directive): number | undefined {
  // split(',') then trim, not split(/\s*,\s*/): that regex restarts its \s* scan at every blank
  // of a run of blanks, so a value with 64 KB of blanks took seconds (issue 15).
  const words = (d.value ?? '').split(',').map((w) => w.trim()).filter((w) => w !== '');
  if (words.length === 0) {
    ctx.diags.error(d.line, d.key, `${d.key} must be a comma list of all, none, starting, running, stopping, reloading`);
    return undefined;
  }
  const hasNone = words.includes('none');
  let bits = 0;
  let ok = true;
  for (const w of words) {
    if (w === 'none') continue;
    if (hasNone) {
      ctx.diags.error(d.line, d.key, `invalid email alert status: "${w}" specified with "none"`);
      ok = false;
    } else if (w === 'all') bits = ALL;
    else if (Object.hasOwn(EMAIL_STATUS_BITS, w)) bits |= EMAIL_STATUS_BITS[w as keyof typeof EMAIL_STATUS_BITS];
    else {
      ctx.diags.error(d.line, d.key, `invalid email alert status "${w}": expected all, none, starting, running, stopping or reloading`);
      ok = false;
    }
  }
  return ok ? bits : undefined;
}
