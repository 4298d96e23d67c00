/**
 * Stress: 20,000 operations (edits, failing edits, dumps) from 200 concurrent callers on one
 * handle opened with deliberately tiny buffers. The process must not abort (a netlink ENOBUFS used to SIGABRT Node, see
 * ipvs-netlink.md §6), every call must be answered or fail with a typed LdError, and the table
 * must be consistent afterwards, as the driver and ipvsadm both see it.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { IpvsHandle, IpvsOp, ServiceKey } from '../../../src/ipvs/types.js';
import { isLdError } from '../../../src/util/errors.js';
import { assertInLab, dest, ipvsadm, loadDriver, mustApply, svc, tcp, type Driver } from '../support.js';

assertInLab();

const CALLERS = 200;
const OPS_PER_CALLER = 100;
/** Every FAIL_EVERY-th op of a caller targets a dest that does not exist (ENOENT on purpose). */
const FAIL_EVERY = 10;
/** Every READ_EVERY-th op is a dump of the caller's service instead, racing the writes. */
const READ_EVERY = 25;
/** Tiny on purpose: the socket buffer holds only a handful of replies at a time. */
const TINY = { rcvbuf: 4096, window: 4, timeoutMs: 30_000 };

const KEYS: ServiceKey[] = [tcp('10.4.0.1', 80), tcp('10.4.0.2', 80)];
const callerKey = (c: number) => KEYS[c % 2]!;
const callerAddr = (c: number) => `127.4.${Math.floor(c / 100)}.${(c % 100) + 1}`;
const weightOf = (c: number, i: number) => ((c * 7 + i) % 250) + 1;

let drv: Driver;
let h: IpvsHandle;
before(async () => {
  drv = await loadDriver();
  h = await drv.openIpvs(TINY);
  ipvsadm('-C');
});
after(async () => { ipvsadm('-C'); await h?.close(); });

test(`${CALLERS} callers x ${OPS_PER_CALLER} ops on tiny buffers: all answered, typed failures, table consistent`, async () => {
  await mustApply(h, KEYS.map((key) => ({ op: 'addService' as const, service: svc(key, { scheduler: 'wrr' }) })));
  await mustApply(h, Array.from({ length: CALLERS }, (_, c) => ({ op: 'addDest' as const, key: callerKey(c), dest: dest(callerAddr(c), 80) })));

  const counts = { ok: 0, reads: 0, expectedEnoent: 0, typedOther: 0, untyped: 0, unexpectedOk: 0 };
  const otherCodes = new Map<string, number>();
  // Per dest: the weight of the last acknowledged edit, and weights whose fate is unknown.
  const lastOk = new Map<number, number>();
  const uncertain = new Map<number, Set<number>>();

  async function caller(c: number): Promise<void> {
    for (let i = 0; i < OPS_PER_CALLER; i++) {
      if (i % READ_EVERY === READ_EVERY - 1) {
        try {
          const mine = (await h.listDests(callerKey(c))).some((d) => d.address === callerAddr(c));
          if (mine) counts.reads++; else counts.untyped++;
        } catch (e) {
          if (isLdError(e)) { counts.typedOther++; otherCodes.set(e.code, (otherCodes.get(e.code) ?? 0) + 1); } else counts.untyped++;
        }
        continue;
      }
      const bogus = i % FAIL_EVERY === FAIL_EVERY - 1;
      const w = weightOf(c, i);
      const op: IpvsOp = { op: 'editDest', key: callerKey(c), dest: dest(bogus ? `127.5.${c % 250}.1` : callerAddr(c), 80, { weight: w }) };
      let res;
      try {
        [res] = await h.apply([op]);
      } catch (e) {
        // apply() should not reject for per-op errors, but a transport failure may surface here.
        if (isLdError(e)) { counts.typedOther++; otherCodes.set(e.code, (otherCodes.get(e.code) ?? 0) + 1); } else counts.untyped++;
        if (!bogus) { const s = uncertain.get(c) ?? new Set(); s.add(w); uncertain.set(c, s); }
        continue;
      }
      if (!res) { counts.untyped++; continue; }
      if (res.ok) {
        if (bogus) counts.unexpectedOk++;
        else { counts.ok++; lastOk.set(c, w); uncertain.delete(c); }
      } else if (bogus && res.error.code === 'LD_ERR_IPVS_NO_DEST') {
        counts.expectedEnoent++;
      } else if (isLdError(res.error)) {
        counts.typedOther++;
        otherCodes.set(res.error.code, (otherCodes.get(res.error.code) ?? 0) + 1);
        if (!bogus) { const s = uncertain.get(c) ?? new Set(); s.add(w); uncertain.set(c, s); }
      } else counts.untyped++;
    }
  }

  const t0 = Date.now();
  await Promise.all(Array.from({ length: CALLERS }, (_, c) => caller(c)));
  const secs = (Date.now() - t0) / 1000;
  const total = CALLERS * OPS_PER_CALLER;
  console.log(`stress: ${total} ops in ${secs.toFixed(1)} s: ${JSON.stringify(counts)} other codes ${JSON.stringify([...otherCodes])}`);

  assert.equal(counts.untyped, 0, 'every failure is a typed LdError');
  assert.equal(counts.unexpectedOk, 0, 'edits of missing dests never succeed');
  assert.equal(counts.ok + counts.reads + counts.expectedEnoent + counts.typedOther, total, 'every call answered or failed');
  assert.ok(counts.ok > 0 && counts.reads > 0 && counts.expectedEnoent > 0, 'writes, dumps and kernel errors were all exercised');
  for (const code of otherCodes.keys()) assert.match(code, /^LD_ERR_NETLINK_/, `transport-level failures only: ${code}`);

  // Consistency: each dest has the weight of its last acknowledged edit (or of a later edit
  // whose ack was lost to a typed transport failure), as both the driver and ipvsadm see it.
  const seen = new Map<string, number>();
  for (const key of KEYS) for (const d of await h.listDests(key)) seen.set(d.address, d.weight);
  assert.equal(seen.size, CALLERS, 'no dest lost or added');
  for (let c = 0; c < CALLERS; c++) {
    const got = seen.get(callerAddr(c));
    const allowed = new Set([lastOk.get(c) ?? 1, ...(uncertain.get(c) ?? [])]);
    assert.ok(got !== undefined && allowed.has(got), `dest ${callerAddr(c)}: weight ${got}, expected one of ${[...allowed]}`);
  }
  assert.equal(await drv.renderSave(h), ipvsadm('-Sn'), 'driver and ipvsadm agree on the whole table');
});
