/**
 * Reading the config file while others write it. Editors and scripts rewrite a .cf in place
 * (truncate, then write, maybe in several steps), so a read at the moment a change is noticed
 * can see an empty or half-written file, which is often a valid config that describes fewer
 * virtual services. Both the autoreload watcher and HUP therefore read through readSettled: the
 * content is taken only once the file has settled:
 *  - no process holds it open for writing (file-writers.ts), for at most `writerWaitMs`;
 *  - it has not changed for `quietMs`: its last modification is that old, or its stat
 *    (inode, size, mtime, ctime) stayed the same across a quiet period;
 *  - the stat after the read equals the one before, and the bytes read are its size.
 * A file that keeps changing is given up after `giveUpMs`, keeping the running configuration.
 */
import { promises as fsp, type BigIntStats } from 'node:fs';
import type { Clock } from '../util/clock.js';
import { openForWriting as procWriters, type FileId } from './file-writers.js';

/** ConfigRead is the outcome of a settled read. */
export type ConfigRead =
  | { readonly kind: 'content'; readonly content: Buffer }
  | { readonly kind: 'missing'; readonly reason: string }
  | { readonly kind: 'unsettled' }
  | { readonly kind: 'aborted' };

/** SettleOptions: the clock, the limits, and the seams tests may replace. */
export interface SettleOptions {
  readonly clock: Clock;
  readonly signal?: AbortSignal;
  /** How long the file must stay unchanged (default 1000 ms). */
  readonly quietMs?: number;
  /** How long a process holding the file open for writing is waited for (default 30 s). */
  readonly writerWaitMs?: number;
  /** When a file that never settles is given up (default 60 s). */
  readonly giveUpMs?: number;
  readonly openForWriting?: (id: FileId) => Promise<boolean>;
}

export const SETTLE_DEFAULTS = { quietMs: 1000, writerWaitMs: 30_000, giveUpMs: 60_000, writerPollMs: 100 } as const;

type Stamp = Pick<BigIntStats, 'dev' | 'ino' | 'size' | 'mtimeNs' | 'ctimeNs' | 'mtimeMs'>;

const same = (a: Stamp, b: Stamp): boolean =>
  a.dev === b.dev && a.ino === b.ino && a.size === b.size && a.mtimeNs === b.mtimeNs && a.ctimeNs === b.ctimeNs;

async function stamp(file: string): Promise<Stamp | string> {
  try { return await fsp.stat(file, { bigint: true }); } catch (e) { return (e as NodeJS.ErrnoException).code ?? String(e); }
}

/** readSettled resolves with the file's content once it has settled (see the module comment). */
export async function readSettled(file: string, o: SettleOptions): Promise<ConfigRead> {
  const { clock, signal } = o;
  const quietMs = o.quietMs ?? SETTLE_DEFAULTS.quietMs;
  const writers = o.openForWriting ?? procWriters;
  const start = clock.monotonic();
  const writerUntil = start + (o.writerWaitMs ?? SETTLE_DEFAULTS.writerWaitMs);
  const giveUpAt = start + (o.giveUpMs ?? SETTLE_DEFAULTS.giveUpMs);
  const sleep = (ms: number): Promise<void> => new Promise((resolve) => {
    const h = clock.setTimeout(done, ms);
    function done(): void { signal?.removeEventListener('abort', cancel); resolve(); }
    function cancel(): void { clock.clearTimeout(h); resolve(); }
    signal?.addEventListener('abort', cancel, { once: true });
  });

  let prev: Stamp | undefined;
  for (;;) {
    if (signal?.aborted) return { kind: 'aborted' };
    if (clock.monotonic() >= giveUpAt) return { kind: 'unsettled' };
    const s = await stamp(file);
    if (typeof s === 'string') return { kind: 'missing', reason: s };
    const id = { dev: Number(s.dev), ino: Number(s.ino) };
    if (clock.monotonic() < writerUntil && await writers(id)) {
      // The quiet period starts only once the writer has closed the file.
      prev = undefined;
      await sleep(SETTLE_DEFAULTS.writerPollMs);
      continue;
    }
    // A modification time in the future (clock step, touch -d) counts as fresh: the quiet
    // period then runs on the monotonic clock through the stat comparison.
    const age = clock.now() - Number(s.mtimeMs);
    if (!(prev && same(prev, s)) && age < quietMs) {
      prev = s;
      await sleep(quietMs);
      continue;
    }
    let content: Buffer;
    try { content = await fsp.readFile(file); } catch (e) { return { kind: 'missing', reason: (e as NodeJS.ErrnoException).code ?? String(e) }; }
    const after = await stamp(file);
    if (typeof after !== 'string' && same(after, s) && BigInt(content.length) === s.size) return { kind: 'content', content };
    prev = undefined;
  }
}
