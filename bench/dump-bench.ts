/**
 * The dump path on the host, without a kernel: the driver reads a table of 10,000 dests (one
 * service) from a fake netlink socket that answers with the datagrams a 6.1 kernel sends
 * (every dest attribute, STATS and STATS64 nests, about 100 dests per 32 KiB datagram), then
 * renders it like `ipvsadm -Ln`. It splits the time the kernel lab measures as one figure
 * (bench/ipvs-bench.ts, "dump") into read (transport + decode) and render, so either can be
 * profiled on its own: `node --cpu-prof dist/bench/dump-bench.js`. It reports CPU time, not wall time.
 *   node dist/bench/dump-bench.js [dests=10000] [runs=15]
 */
import { openIpvs } from '../src/ipvs/index.js';
import { readTable, renderList } from '../src/ipvs/render.js';
import { data, done, FakeNetlink, kernelLike, nla, u16, u32, type FakeRequest } from '../test/ipvs/fake-netlink.js';

const DESTS = Number(process.argv[2] ?? 10_000);
const RUNS = Number(process.argv[3] ?? 15);
const DATAGRAM = 32768;

const be16 = (v: number): Buffer => { const b = Buffer.alloc(2); b.writeUInt16BE(v); return b; };
const u64 = (v: bigint): Buffer => { const b = Buffer.alloc(8); b.writeBigUInt64LE(v); return b; };
const nest = (type: number, parts: Buffer[]): Buffer => nla(type, Buffer.concat(parts));
const pad = nla(11, Buffer.alloc(0));
const addr4 = (a: string): Buffer => { const b = Buffer.alloc(16); a.split('.').forEach((x, i) => { b[i] = Number(x); }); return b; };

/** destAttrs is one GET_DEST dump entry as ip_vs_genl_fill_dest writes it (kernel 6.1). */
function destAttrs(address: string, i: number): Buffer {
  const stats32 = [u32(i), u32(i * 3), u32(i * 2), u64(BigInt(i) * 1000n), u64(BigInt(i) * 900n), u32(0), u32(0), u32(0), u32(0), u32(0)];
  const stats64 = stats32.map((_, k) => u64(BigInt(i * (k + 1))));
  return nla(2, Buffer.concat([
    nla(1, addr4(address)), nla(11, u16(2)), nla(2, be16(80)), nla(3, u32(3)), nla(4, u32(1 + (i % 5))),
    nla(13, Buffer.of(0)), nla(14, be16(0)), nla(15, u16(0)), nla(5, u32(0)), nla(6, u32(0)),
    nla(7, u32(i % 7)), nla(8, u32(i % 11)), nla(9, u32(0)),
    nest(10, stats32.map((b, k) => (b.length === 8 ? Buffer.concat([pad, nla(k + 1, b)]) : nla(k + 1, b)))),
    nest(12, stats64.map((b, k) => Buffer.concat([pad, nla(k + 1, b)]))),
  ]));
}

const service = (r: FakeRequest): Buffer => data(r, 1, nla(1, Buffer.concat([
  nla(1, u16(2)), nla(2, u16(6)), nla(3, addr4('10.10.0.1')), nla(4, be16(80)), nla(6, Buffer.from('wrr\0')),
  nla(7, u32(2)), nla(8, u32(0)), nla(9, u32(0xffffffff)),
])), true);

const addresses = Array.from({ length: DESTS }, (_, i) => `10.${1 + (i >> 16)}.${(i >> 8) & 255}.${(i & 255) || 1}`);
const entries = addresses.map((a, i) => destAttrs(a, i));

/**
 * The dump's datagrams are built once (seq 0) and only copied and stamped with the request's seq
 * per dump, so the fake's own work stays out of the read time.
 */
const template: Buffer[] = [];
{
  const probe: FakeRequest = { seq: 0, type: 0, flags: 0, cmd: 0, attrs: Buffer.alloc(0) };
  let cur: Buffer[] = [];
  let bytes = 0;
  for (const e of entries) {
    const m = data(probe, 5, e, true);
    if (bytes + m.length > DATAGRAM) { template.push(Buffer.concat(cur)); cur = []; bytes = 0; }
    cur.push(m);
    bytes += m.length;
  }
  cur.push(done(probe));
  template.push(Buffer.concat(cur));
}
function dumpReply(r: FakeRequest): Buffer[] {
  return template.map((t) => {
    const b = Buffer.from(t);
    for (let off = 0; off + 16 <= b.length; off += (b.readUInt32LE(off) + 3) & ~3) {
      b.writeUInt32LE(r.seq, off + 8);
      if (b.readUInt16LE(off + 4) !== 3) b.writeUInt16LE(r.type, off + 4); // data, not NLMSG_DONE
    }
    return b;
  });
}

const fake = new FakeNetlink();
fake.respond = (r) => {
  if (r.cmd === 4 && r.flags & 0x300) return [Buffer.concat([service(r), done(r)])]; // GET_SERVICE dump
  if (r.cmd === 8 && r.flags & 0x300) return dumpReply(r); // GET_DEST dump
  return kernelLike(r);
};
const h = await openIpvs({ socketFactory: fake.factory });

const med = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;
// CPU time (user + system, all threads: the GC's too), not wall time: on a shared, loaded host
// the wall clock measures the neighbours.
const cpuMs = (): number => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const reads: number[] = [];
const renders: number[] = [];
let lines = 0;
for (let i = 0; i < RUNS; i++) {
  const t0 = cpuMs();
  const t = await readTable(h);
  const t1 = cpuMs();
  const text = renderList(t.info, t.entries);
  const t2 = cpuMs();
  reads.push(t1 - t0);
  renders.push(t2 - t1);
  lines = text.split('\n').length - 1;
}
await h.close();
if (lines !== DESTS + 4) throw new Error(`rendered ${lines} lines, expected ${DESTS + 4}`);
const f = (x: number): string => `${x.toFixed(1)} ms`;
console.log(`dump-bench: ${DESTS} dests, ${RUNS} runs, CPU medians: read ${f(med(reads))}, render ${f(med(renders))}, `
  + `read + render ${f(med(reads.map((r, i) => r + renders[i]!)))}`);
