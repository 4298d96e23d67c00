/**
 * Logger is the interface every part logs through. The CLI/daemon builds the concrete one
 * (ldirectord's file format, syslog, stdout when supervised, stderr with -d); tests pass a
 * collecting logger. Messages are plain text as the original writes them.
 */
export interface Logger {
  error(msg: string): void;
  warn(msg: string): void;
  info(msg: string): void;
  /** debug lines are only emitted with -d (level >= 1). */
  debug(msg: string, level?: number): void;
  /** True when debug lines go anywhere (-d): lets a hot path skip building them. Absent = false. */
  debugEnabled?(): boolean;
}

/** nullLogger drops everything. */
export const nullLogger: Logger = Object.freeze({ error() {}, warn() {}, info() {}, debug() {} });

/** memoryLogger collects lines (tests and diagnostics). */
export function memoryLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    error: (m) => { lines.push(`error: ${m}`); },
    warn: (m) => { lines.push(`warn: ${m}`); },
    info: (m) => { lines.push(`info: ${m}`); },
    debug: (m) => { lines.push(`debug: ${m}`); },
  };
}
