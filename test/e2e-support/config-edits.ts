/**
 * Editing a running daemon's .cf the ways people do (issue 9): the edit scenarios and the judge
 * shared by the host test (test/daemon/autoreload-edits.test.ts, in-process daemon on the memory
 * IPVS double) and the kernel-lab test (test/kernel/e2e/config-edits.test.ts, the real command
 * and the real kernel table). Each edit is made by a real tool (sh, cat, sed, mv, rm) on the real
 * file; the judge samples the table every 20 ms while the edit settles and asserts that every
 * sample is the table before or the table after, never a third state.
 */
import { spawn } from 'node:child_process';
import assert from 'node:assert/strict';

/** baseConfig is the running config: one virtual with two reals (checktype=on: no network). */
export function baseConfig(o: { logfile: string; autoreload?: boolean; weight3?: number; extra?: string }): string {
  return [
    `autoreload=${o.autoreload === false ? 'no' : 'yes'}`,
    'checkinterval=1',
    `logfile="${o.logfile}"`,
    'quiescent=no',
    '',
    'virtual=192.0.2.90:80',
    '\treal=127.0.0.2:80 masq 1',
    `\treal=127.0.0.3:80 masq ${o.weight3 ?? 1}`,
    ...(o.extra ? [o.extra] : []),
    '\tchecktype=on',
    '\tservice=http',
    '\tscheduler=wrr',
    '',
  ].join('\n');
}

/** sh runs a shell command line with `$1` = the file, optional stdin; rejects on a non-zero exit. */
export function sh(script: string, file: string, input?: string, env: Record<string, string> = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('/bin/sh', ['-c', script, 'sh', file], { stdio: ['pipe', 'ignore', 'pipe'], env: { ...process.env, ...env } });
    let err = '';
    child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    child.on('error', reject);
    child.stdin.on('error', () => {}); // EPIPE: the script did not read its input (: > file)
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`sh -c '${script}' exited ${code}: ${err}`))));
    child.stdin.end(input ?? '');
  });
}

/** thirds splits text in three chunks cut inside lines, so each prefix is a torn config. */
function thirds(text: string): [string, string, string] {
  const a = Math.floor(text.length / 3) + 3;
  const b = Math.floor((2 * text.length) / 3) + 3;
  return [text.slice(0, a), text.slice(a, b), text.slice(b)];
}

/** slowWrite writes `text` through one redirection in three chunks with `pauseS` between them. */
export function slowWrite(file: string, text: string, pauseS: number): Promise<void> {
  const [A, B, C] = thirds(text);
  return sh(`{ printf '%s' "$A"; sleep ${pauseS}; printf '%s' "$B"; sleep ${pauseS}; printf '%s' "$C"; } > "$1"`, file, undefined, { A, B, C });
}

/** canonical renders a virtual's dests as "addr:port=weight" sorted, comma-joined ('' when absent). */
export function canonical(dests: Iterable<readonly [string, number]>): string {
  return [...dests].map(([a, w]) => `${a}=${w}`).sort().join(',');
}

/** BEFORE is the table of baseConfig; EDITED the table once its edit (weight 1 -> 5) applied. */
export const BEFORE = '127.0.0.2:80=1,127.0.0.3:80=1';
export const EDITED = '127.0.0.2:80=1,127.0.0.3:80=5';

/** EditCase is one way of changing the file from baseConfig to `after` (baseConfig with weight3=5). */
export interface EditCase {
  readonly name: string;
  /** The table once the edit is applied; BEFORE when the daemon must refuse the content. */
  readonly expect: string;
  edit(file: string, after: string): Promise<void>;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** EDIT_CASES: the edits of issue 9, each as the tool named makes it. */
export const EDIT_CASES: readonly EditCase[] = [
  { name: 'truncate and write in one go (cat > file, nano, vim backupcopy=yes)', expect: EDITED,
    edit: (file, after) => sh('cat > "$1"', file, after) },
  { name: 'a slow writer: three chunks over ~300 ms through one redirection', expect: EDITED,
    edit: (file, after) => slowWrite(file, after, 0.15) },
  { name: 'a slow writer that pauses longer than the quiet period (2 x 1.5 s)', expect: EDITED,
    edit: (file, after) => slowWrite(file, after, 1.5) },
  { name: 'write a temp file and rename it over (mv)', expect: EDITED,
    edit: (file, after) => sh('cat > "$1.tmp" && mv "$1.tmp" "$1"', file, after) },
  { name: 'sed -i', expect: EDITED,
    edit: (file) => sh(`sed -i 's/127.0.0.3:80 masq 1$/127.0.0.3:80 masq 5/' "$1"`, file) },
  { name: 'append a real (>>)', expect: `${BEFORE},127.0.0.4:80=2`,
    edit: (file) => sh(`printf '\\treal=127.0.0.4:80 masq 2\\n' >> "$1"`, file) },
  { name: 'deleted, then recreated 0.5 s later', expect: EDITED,
    edit: async (file, after) => { await sh('rm -f "$1"', file); await sleep(500); await sh('cat > "$1"', file, after); } },
  { name: 'truncated and never rewritten (a full disk, : > file)', expect: BEFORE,
    edit: (file) => sh(': > "$1"', file) },
  { name: 'an edit that leaves the file invalid', expect: BEFORE,
    edit: (file, after) => sh('cat > "$1"', file, after.replace('checkinterval=1', 'checkinterval=soon')) },
];

/** Judge is how a test reads the world: the table as canonical text, the daemon's log lines. */
export interface Judge {
  /** sample returns the virtual's dests, canonical(). */
  sample(): Promise<string>;
  /** logLines returns the daemon's log so far. */
  logLines(): string[];
}

/** waitFor polls until `pred` holds or throws after `ms`. */
export async function waitTrue(what: string, pred: () => Promise<boolean> | boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await pred()) return;
    await sleep(50);
  }
  if (!(await pred())) throw new Error(`${what}: not reached after ${ms} ms`);
}

/**
 * judgeEdit makes `c`'s edit while sampling the table every 20 ms, waits until the result is in
 * (or, for an edit that must not apply, until the daemon has logged its refusal), then asserts:
 * every sample was the table before or after; exactly one reload of changed content
 * ("has changed on disk" once); the final weight is the expected one.
 */
export async function judgeEdit(c: EditCase, file: string, after: string, j: Judge, settleMs: number): Promise<void> {
  const before = await j.sample();
  const logStart = j.logLines().length;
  const newLines = (): string[] => j.logLines().slice(logStart);
  // Reloads attempted: changes the watcher passed on (not ignored under autoreload=no) and HUPs.
  const count = (text: string): number => newLines().filter((l) => l.includes(text)).length;
  const changes = (): number => count('has changed on disk') - count(' - ignore new configuration') + count('config on signal');
  const samples: string[] = [];
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      samples.push(await j.sample());
      await sleep(20);
    }
  })();
  try {
    await c.edit(file, after);
    if (c.expect !== BEFORE) {
      await waitTrue(`${c.name}: the table becomes ${c.expect}`, async () => (await j.sample()) === c.expect, settleMs);
    } else {
      await waitTrue(`${c.name}: the daemon refuses the content`,
        () => newLines().some((l) => /keeping the running configuration/.test(l)), settleMs);
    }
    // Long enough for a second (wrong) reload to show: quiet period + recheck + margin.
    await sleep(3000);
  } finally {
    sampling = false;
    await sampler;
  }
  const afterTable = await j.sample();
  const strange = [...new Set(samples.filter((s) => s !== before && s !== afterTable))];
  assert.deepEqual(strange, [], `${c.name}: the table passed through a state neither file describes\nbefore: ${before}\nafter: ${afterTable}`);
  assert.equal(afterTable, c.expect, `${c.name}: the final table`);
  assert.equal(changes(), 1, `${c.name}: exactly one reload\n${newLines().join('\n')}`);
  assert.ok(samples.length >= 10, `${c.name}: the table was sampled during the edit (${samples.length} samples)`);
  if (c.expect !== BEFORE) return;
  // The refused content changed nothing: the next valid edit applies.
  await sh('cat > "$1"', file, after);
  await waitTrue(`${c.name}: the next valid edit applies`, async () => (await j.sample()) === EDITED, settleMs);
  assert.equal(changes(), 2, `${c.name}: the valid edit is the second change\n${newLines().join('\n')}`);
}
