/**
 * A writer for the Prometheus text format (version 0.0.4) into one Buffer that is reused from
 * scrape to scrape. At 10,000 reals a scrape is ~100,000 lines (~14 MB): built as strings it
 * allocated 18 MB and took 600 ms. Here metric names and label sets are encoded once (label sets
 * per real, kept on the real's entry) and copied as bytes, and integers are written digit by
 * digit, so a scrape allocates little beyond the text of its floating-point values.
 */

/** escapeLabel escapes a label value (backslash, double quote, newline). */
export function escapeLabel(v: string): string {
  return v.replace(/[\\"\n]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`));
}

/** labelPairs renders `a="x",b="y"` (no braces), encoded once for reuse. */
export function labelPairs(labels: Readonly<Record<string, string>>): Buffer {
  return Buffer.from(Object.entries(labels).map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(','), 'utf8');
}

/** formatValue writes numbers as Prometheus reads them (NaN, +Inf, -Inf). */
export function formatValue(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return '+Inf';
  if (n === -Infinity) return '-Inf';
  return String(n);
}

const SP = 0x20, NL = 0x0a, LB = 0x7b, RB = 0x7d, COMMA = 0x2c, ZERO = 0x30;

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

  /** write appends text (HELP/TYPE lines, rare values). */
  write(s: string): void {
    const max = Buffer.byteLength(s, 'utf8');
    this.room(max);
    this.len += this.buf.write(s, this.len, 'utf8');
  }

  /** family writes the HELP and TYPE lines of a family. */
  family(name: string, type: 'gauge' | 'counter' | 'histogram', help: string): void {
    this.write(`# HELP ${name} ${help}\n# TYPE ${name} ${type}\n`);
  }

  /**
   * sample writes `name{pairs,extra} value`. `name`, `pairs` and `extra` are pre-encoded
   * (name() and labelPairs()); either label part may be absent.
   */
  sample(name: Buffer, pairs: Buffer | undefined, value: number, extra?: Buffer): void {
    this.room(name.length + (pairs?.length ?? 0) + (extra?.length ?? 0) + 32);
    // TypedArray#set is a plain memcpy: Buffer#copy's argument checks cost more at 100,000 lines.
    const b = this.buf;
    b.set(name, this.len);
    let o = this.len + name.length;
    if (pairs || extra) {
      b[o++] = LB;
      if (pairs) { b.set(pairs, o); o += pairs.length; }
      if (pairs && extra) b[o++] = COMMA;
      if (extra) { b.set(extra, o); o += extra.length; }
      b[o++] = RB;
    }
    b[o++] = SP;
    this.len = o;
    this.number(value);
    this.buf[this.len++] = NL;
  }

  /** take returns the bytes of this scrape; the buffer is lent until `returned()` is called. */
  take(): Buffer {
    this.lent = true;
    return this.buf.subarray(0, this.len);
  }

  returned(): void {
    this.lent = false;
  }

  /** number writes small non-negative integers digit by digit (no string), others as text. */
  private number(n: number): void {
    if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) {
      const t = formatValue(n);
      this.room(t.length);
      this.len += this.buf.write(t, this.len, 'latin1');
      return;
    }
    const b = this.buf;
    if (n === 0) { b[this.len++] = ZERO; return; }
    let digits = 0;
    for (let m = n; m > 0; m = Math.floor(m / 10)) digits++;
    let o = this.len + digits;
    this.len = o;
    for (let m = n; m > 0; m = Math.floor(m / 10)) b[--o] = ZERO + (m % 10);
  }

  private room(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.len + n, this.buf.length * 2));
    this.buf.copy(next, 0, 0, this.len);
    this.buf = next;
  }
}

/** name encodes a metric name (or any fixed label part such as `state="up"`) once. */
export function encoded(s: string): Buffer {
  return Buffer.from(s, 'utf8');
}
