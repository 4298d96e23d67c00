/** Finding the processes a test started by their command line (the `start` and its daemon). */
import { readdirSync, readFileSync } from 'node:fs';

/** processesWith lists the live (not zombie) pids whose /proc/<pid>/cmdline contains `text` (NULs as spaces). */
export function processesWith(text: string): number[] {
  const out: number[] = [];
  for (const p of readdirSync('/proc')) {
    if (!/^\d+$/.test(p)) continue;
    try {
      if (!readFileSync(`/proc/${p}/cmdline`, 'latin1').split('\0').join(' ').includes(text)) continue;
      if (/\) Z /.test(readFileSync(`/proc/${p}/stat`, 'latin1'))) continue;
      out.push(Number(p));
    } catch { /* gone meanwhile */ }
  }
  return out;
}
