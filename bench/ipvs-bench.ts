/**
 * IPVS driver benchmark, run INSIDE the kernel lab (bench/run-ipvs-bench.ts boots it): our
 * driver and the real ipvsadm side by side on the same kernel.
 *   writes: 10,000 weight edits (1 service x 10,000 dests; 100 services x 100 dests; wrr and rr),
 *           driver apply() in one call vs `ipvsadm -R` fed the same edits as -e lines;
 *   dump:   10,000 dests, driver listServices + listDests (+ renderList) vs `ipvsadm -Ln`.
 * Prints a markdown table of medians (RUNS env, default 3) and the ratios; ONLY=dump runs the dump alone.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import type { IpvsHandle, IpvsOp, ServiceKey } from '../src/ipvs/types.js';
import { readTable, renderList } from '../src/ipvs/render.js';
import { dest, loadDriver, mustApply, svc, tcp, type Driver } from '../test/kernel/support.js';

const RUNS = Number(process.env.RUNS ?? 3);

interface Layout { readonly name: string; readonly services: number; readonly perService: number; readonly scheduler: string }
// wrr is ldirectord's default; its update hook rescans every dest of the service on each edit,
// so the rr row shows how much of the one-big-service cost is the kernel's, not the client's.
const LAYOUTS: Layout[] = [
  { name: '1 wrr service x 10,000 dests', services: 1, perService: 10_000, scheduler: 'wrr' },
  { name: '100 wrr services x 100 dests', services: 100, perService: 100, scheduler: 'wrr' },
  { name: '1 rr service x 10,000 dests', services: 1, perService: 10_000, scheduler: 'rr' },
];

const keyOf = (s: number): ServiceKey => tcp(`10.${100 + Math.floor(s / 250)}.${s % 250}.1`, 80);
const addrOf = (i: number) => `127.${1 + Math.floor(i / 62500)}.${Math.floor(i / 250) % 250}.${(i % 250) + 1}`;

function edits(l: Layout, weight: number): IpvsOp[] {
  const ops: IpvsOp[] = [];
  for (let s = 0; s < l.services; s++) {
    for (let d = 0; d < l.perService; d++) {
      ops.push({ op: 'editDest', key: keyOf(s), dest: dest(addrOf(s * l.perService + d), 80, { weight }) });
    }
  }
  return ops;
}

function rules(ops: IpvsOp[]): string {
  return ops.map((o) => {
    if (o.op !== 'editDest') throw new Error('only edits');
    return `-e -t ${o.key.address}:${o.key.port} -r ${o.dest.address}:${o.dest.port} -g -w ${o.dest.weight}\n`;
  }).join('');
}

async function build(h: IpvsHandle, l: Layout): Promise<void> {
  await h.flush();
  await mustApply(h, Array.from({ length: l.services }, (_, s) => ({ op: 'addService' as const, service: svc(keyOf(s), { scheduler: l.scheduler }) })));
  await mustApply(h, edits(l, 1).map((o) => ({ ...o, op: 'addDest' as const })) as IpvsOp[]);
}

/**
 * Shell runs ipvsadm for the measurements. It is started once, before anything is timed: every
 * fork of this (large) Node process write-protects its heap for copy-on-write, and in UML the
 * page faults that follow cost the driver seconds on its next run, a cost a daemon never pays.
 */
class Shell {
  private readonly sh = spawn('/bin/sh', [], { stdio: ['pipe', 'pipe', 'inherit'] });
  private buf = '';
  private waiter: ((line: string) => void) | undefined;
  constructor() {
    this.sh.stdout.on('data', (d: Buffer) => {
      this.buf += d.toString();
      const m = /__done__ (\d+)\n/.exec(this.buf);
      if (m && this.waiter) { const w = this.waiter; this.waiter = undefined; const out = this.buf.slice(0, m.index); this.buf = ''; w(`${m[1]} ${out}`); }
    });
  }
  /** run executes one command line and resolves with its elapsed ms and stdout. */
  run(cmd: string): Promise<{ ms: number; out: string }> {
    return new Promise((resolve, reject) => {
      const t0 = performance.now();
      this.waiter = (line) => {
        const ms = performance.now() - t0;
        const sp = line.indexOf(' ');
        if (line.slice(0, sp) !== '0') reject(new Error(`${cmd} exited ${line.slice(0, sp)}`));
        else resolve({ ms, out: line.slice(sp + 1) });
      };
      this.sh.stdin.write(`${cmd}; echo "__done__ $?"\n`);
    });
  }
  close(): void { this.sh.stdin.end(); }
}

const RULES = '/tmp/ipvs-bench.rules';

const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]!; };
const best = (xs: number[]) => Math.min(...xs);
/** row is one markdown line: medians, best runs, and how many times faster the driver is. */
function row(what: string, ours: number[], theirs: number[]): string {
  const x = (a: number, b: number) => `${(a / b).toFixed(1)}x`;
  return `| ${what} | ${fmt(median(ours))} (${fmt(best(ours))}) | ${fmt(median(theirs))} (${fmt(best(theirs))}) | ${x(median(theirs), median(ours))} (${x(best(theirs), best(ours))}) |`;
}
const fmt = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`);

async function main(): Promise<void> {
  const shell = new Shell();
  await shell.run('true');
  const drv: Driver = await loadDriver();
  const h = await drv.openIpvs();
  const rows: string[] = [];
  let weight = 2;
  // ONLY=dump skips the write workloads (minutes in a loaded lab) when only the dump changed.
  for (const l of process.env.ONLY === 'dump' ? [] : LAYOUTS) {
    await build(h, l);
    const ours: number[] = [];
    const theirs: number[] = [];
    for (let r = 0; r < RUNS; r++) {
      // Alternate who goes first, so a load change on the host hits both sides alike.
      const runOurs = async () => {
        const ops = edits(l, weight++);
        const t0 = performance.now();
        const res = await h.apply(ops);
        ours.push(performance.now() - t0);
        const bad = res.filter((x) => !x.ok).length;
        if (bad) throw new Error(`${bad} driver edits failed`);
      };
      const runTheirs = async () => {
        writeFileSync(RULES, rules(edits(l, weight++)));
        theirs.push((await shell.run(`ipvsadm -R < ${RULES}`)).ms);
      };
      if (r % 2 === 0) { await runOurs(); await runTheirs(); } else { await runTheirs(); await runOurs(); }
      console.error(`# ${l.name} run ${r + 1}: driver ${fmt(ours[r]!)}, ipvsadm -R ${fmt(theirs[r]!)}`);
    }
    const last = weight - 1;
    if (!(await shell.run('ipvsadm -Sn')).out.includes(`-w ${last}\n`)) throw new Error(`the last edits (weight ${last}) are not in the table`);
    rows.push(row(`10,000 weight edits, ${l.name}: driver apply() vs \`ipvsadm -R\` with 10,000 \`-e\` lines`, ours, theirs));
  }
  // The dump: the first layout again (10,000 dests in one service).
  await build(h, LAYOUTS[0]!);
  const ours: number[] = [];
  const reads: number[] = [];
  const theirs: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const runOurs = async () => {
      const t0 = performance.now();
      const t = await readTable(h);
      const t1 = performance.now();
      const text = renderList(t.info, t.entries);
      ours.push(performance.now() - t0);
      reads.push(t1 - t0);
      if (text.split('\n').length < 10_000) throw new Error('dump too short');
    };
    const runTheirs = async () => { theirs.push((await shell.run('ipvsadm -Ln > /dev/null')).ms); };
    if (r % 2 === 0) { await runOurs(); await runTheirs(); } else { await runTheirs(); await runOurs(); }
    console.error(`# dump run ${r + 1}: driver ${fmt(ours[r]!)} (read ${fmt(reads[r]!)}), ipvsadm -Ln ${fmt(theirs[r]!)}`);
  }
  rows.push(row('dump of 10,000 dests: driver info + listServices + listDests + renderList vs `ipvsadm -Ln`', ours, theirs));
  rows.push(row('the same dump, driver read only (info + listServices + listDests, no rendering)', reads, theirs));
  await h.flush();
  await h.close();
  shell.close();
  console.log(`| workload (one UML guest, ${RUNS} runs) | driver median (best) | ipvsadm median (best) | speed-up, medians (best) |`);
  console.log('|---|---|---|---|');
  for (const r of rows) console.log(r);
}

await main();
