/**
 * A writer for the Prometheus text format (version 0.0.4) into one Buffer that is reused from
 * scrape to scrape: at 10,000 reals a scrape is ~100,000 lines, and building them as strings
 * would allocate the whole text (10+ MB) every time. Label sets are built once per real and
 * kept (labelSet), so a scrape mostly copies bytes.
 */

/** escapeLabel escapes a label value (backslash, double quote, newline). */
export function escapeLabel(v: string): string {
  return v.replace(/[\\"\n]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`));
}

/** labelSet renders `{a="x",b="y"}` (empty string for no labels). */
export function labelSet(labels: Readonly<Record<string, string>>): string {
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabel(v)}"`);
  return parts.length ? `{${parts.join(',')}}` : '';
}

/** formatValue writes numbers as Prometheus reads them (NaN, +Inf, -Inf). */
export function formatValue(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return '+Inf';
  if (n === -Infinity) return '-Inf';
  return String(n);
}

/** TextSink accumulates the exposition; `take()` hands out the bytes written so far. */
export class TextSink {
  private buf: Buffer;
  private len = 0;
  /** True while a response still uses the buffer: the next scrape must not overwrite it. */
  private lent = false;

  constructor(initial = 64 * 1024) {
    this.buf = Buffer.allocUnsafe(initial);
  }

  /** begin starts a scrape; a buffer still being sent is left to that response. */
  begin(): void {
    if (this.lent) { this.buf = Buffer.allocUnsafe(this.buf.length); this.lent = false; }
    this.len = 0;
  }

  write(s: string): void {
    // latin1 writes one byte per UTF-16 unit; label values outside it are rare (a config path
    // with non-ASCII characters) and go through utf8.
    const max = s.length * 3;
    if (this.len + max > this.buf.length) this.grow(this.len + max);
    this.len += this.buf.write(s, this.len, isAscii(s) ? 'latin1' : 'utf8');
  }

  /** help writes the HELP and TYPE lines of a family. */
  family(name: string, type: 'gauge' | 'counter' | 'histogram', help: string): void {
    this.write(`# HELP ${name} ${help}\n# TYPE ${name} ${type}\n`);
  }

  /** sample writes `name{labels} value`; `extra` is appended inside the braces (`,state="up"`). */
  sample(name: string, labels: string, value: number, extra = ''): void {
    if (extra) labels = labels ? `${labels.slice(0, -1)},${extra}}` : `{${extra}}`;
    this.write(name);
    this.write(labels);
    this.write(' ');
    this.write(formatValue(value));
    this.write('\n');
  }

  /** take returns the bytes of this scrape; the buffer is lent until `returned()` is called. */
  take(): Buffer {
    this.lent = true;
    return this.buf.subarray(0, this.len);
  }

  returned(): void {
    this.lent = false;
  }

  private grow(need: number): void {
    const next = Buffer.allocUnsafe(Math.max(need, this.buf.length * 2));
    this.buf.copy(next, 0, 0, this.len);
    this.buf = next;
  }
}

function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7e) return false;
  return true;
}
