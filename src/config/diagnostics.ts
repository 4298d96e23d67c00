/**
 * Diagnostics collects every problem of one load, so a file with five errors reports five
 * diagnostics instead of stopping at the first (the original exits on the first config_error).
 */
import type { Diagnostic, Severity } from './model.js';

/** Diagnostics is the per-load collector; create one per file, never share it. */
export class Diagnostics {
  readonly #file: string;
  readonly #list: Diagnostic[] = [];
  // Keys of the recorded diagnostics: a Set keeps the duplicate check O(1), where a scan of the
  // list made a file of n bad lines cost O(n^2) (32,000 unknown keys took 2.5 s).
  readonly #seen = new Set<string>();
  #errors = 0;

  constructor(file: string) {
    this.#file = file;
  }

  /** error records a problem that makes the config unusable. */
  error(line: number, directive: string, message: string): void {
    this.#add('error', line, directive, message);
  }

  /** warn records a deprecated or ignored form; the config stays usable. */
  warn(line: number, directive: string, message: string): void {
    this.#add('warning', line, directive, message);
  }

  /** hasErrors is true once any error was recorded. */
  get hasErrors(): boolean {
    return this.#errors > 0;
  }

  /** list returns the diagnostics sorted by line (stable for equal lines). */
  list(): readonly Diagnostic[] {
    return this.#list.map((d, i) => ({ d, i }))
      .sort((a, b) => a.d.line - b.d.line || a.i - b.i)
      .map((x) => x.d);
  }

  #add(severity: Severity, line: number, directive: string, message: string): void {
    // A shared global (e.g. a global fallback) may fail the same way for several virtuals.
    const key = `${line}\u0000${directive}\u0000${message}`;
    if (this.#seen.has(key)) return;
    this.#seen.add(key);
    if (severity === 'error') this.#errors++;
    this.#list.push(Object.freeze({ severity, file: this.#file, line, directive, message }));
  }
}
