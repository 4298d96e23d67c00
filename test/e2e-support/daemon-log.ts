/**
 * Reading the daemon's log file: our director logs one line per IPVS write it applied (the
 * original's "Added real server ..." texts, src/director/events.ts) and one error line per write
 * the kernel refused, so counting those lines counts the netlink writes the daemon made.
 */
import { readFileSync } from 'node:fs';

/** OP_LINE matches a line for one applied IPVS write. */
export const OP_LINE = /\] (Added|Updated|Deleted|Quiescent|Restored|Readd Quiescent|Purged) (virtual|real|fallback) server/;
/** FAILED_OP_LINE matches a write the kernel refused (it was still a netlink write). */
export const FAILED_OP_LINE = /\] ipvs (addService|editService|delService|addDest|editDest|delDest) .* failed/;

/** readLog returns the log's lines ([] while it does not exist). */
export function readLog(path: string): string[] {
  try { return readFileSync(path, 'utf8').split('\n').filter((l) => l !== ''); } catch { return []; }
}

/** writeLines keeps the lines that record an IPVS write (applied or refused). */
export function writeLines(lines: readonly string[]): string[] {
  return lines.filter((l) => OP_LINE.test(l) || FAILED_OP_LINE.test(l));
}

/** indexOfLine is the index of the first line at or after `from` containing `text` (-1 if none). */
export function indexOfLine(lines: readonly string[], text: string | RegExp, from = 0): number {
  for (let i = from; i < lines.length; i++) {
    const l = lines[i]!;
    if (typeof text === 'string' ? l.includes(text) : text.test(l)) return i;
  }
  return -1;
}
