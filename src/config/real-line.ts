/**
 * The syntax of a `real=`/`real6=` value (reference §2.3), matched from the start of the value
 * to its end, token by token, so leftover text is always an error that names it:
 *
 *   <host>[-><host>][:<port|service>] <gate|masq|ipip> [<weight>] ["<request>"[, ]"<receive>"] [l:<N>] [u:<N>]
 *
 * The original's unanchored regex (L2019) read `192.168.6.[2-3]:80` as host `80`; its weight
 * regex took the first number anywhere in the line (L2146). Here the weight is only the token
 * right after the forward method.
 */
import type { Forward } from './model.js';
import { HOST_RE, PORT_RE } from './values.js';

/** RealSpec is a syntactically valid real line, names not yet resolved. */
export interface RealSpec {
  readonly first: string;
  readonly last?: string;
  readonly portText?: string;
  readonly forward: Forward;
  readonly weight?: number;
  readonly request?: string;
  readonly receive?: string;
  readonly lower?: number;
  readonly upper?: number;
}

const ADDR = new RegExp(`^(${HOST_RE})(?:->(${HOST_RE}))?(?::(${PORT_RE}))?(?=\\s|$)`);
const FORWARD = /^\s+(\S+)/;
const WEIGHT = /^\s+(\d+)(?=\s|$)/;
// Request stops at its closing quote; receive runs to the last quote (it may hold quotes).
const STRINGS = /^\s+"([^"]*)"(?:,\s*|\s+)"(.*)"(?=\s|$)/;
const ONE_STRING = /^\s+"/;
const LOWER = /^\s+l:(\d+)(?=\s|$)/;
const UPPER = /^\s+u:(\d+)(?=\s|$)/;

/** parseRealLine returns the spec or a message saying what was expected where. */
export function parseRealLine(value: string): RealSpec | string {
  const a = ADDR.exec(value);
  if (!a) {
    const tok = value.split(/\s+/)[0] ?? '';
    return `invalid real server address "${tok}": expected host[:port] or first->last[:port] `
      + '(there is no a.b.c.[x-y] syntax; write 10.0.0.2->10.0.0.3)';
  }
  let rest = value.slice(a[0].length);
  const f = FORWARD.exec(rest);
  if (!f) return 'forward method missing: expected gate, masq or ipip after the address';
  if (f[1] !== 'gate' && f[1] !== 'masq' && f[1] !== 'ipip') {
    return `forward method must be gate, masq or ipip, got "${f[1]}"`;
  }
  rest = rest.slice(f[0].length);
  const spec: { -readonly [K in keyof RealSpec]: RealSpec[K] } = {
    first: a[1] ?? '', forward: f[1],
  };
  if (a[2] !== undefined) spec.last = a[2];
  if (a[3] !== undefined) spec.portText = a[3];

  const w = WEIGHT.exec(rest);
  if (w) {
    spec.weight = Number(w[1]);
    rest = rest.slice(w[0].length);
  }
  const s = STRINGS.exec(rest);
  if (s) {
    spec.request = s[1];
    spec.receive = s[2];
    rest = rest.slice(s[0].length);
  } else if (ONE_STRING.test(rest)) {
    return `expected "request" "receive" (both quoted, separated by a space or a comma), got ${rest.trim()}`;
  }
  const l = LOWER.exec(rest);
  if (l) {
    spec.lower = Number(l[1]);
    rest = rest.slice(l[0].length);
  }
  const u = UPPER.exec(rest);
  if (u) {
    spec.upper = Number(u[1]);
    rest = rest.slice(u[0].length);
  }
  if (rest.trim() !== '') {
    return `unexpected "${rest.trim()}" in real server line: expected `
      + '[weight] ["request" "receive"] [l:N] [u:N] after the forward method';
  }
  return spec;
}
