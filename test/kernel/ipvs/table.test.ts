/**
 * The varied table (fixture.ts) through the real kernel both ways: built by `ipvsadm -R` and read
 * by the driver (decode), built by the driver and read by ipvsadm (encode), and the driver's
 * renderers byte-identical to every `ipvsadm -L` view and `ipvsadm -S` on it (render).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { IpvsDest, IpvsFamily, IpvsHandle, IpvsService, ServiceKey } from '../../../src/ipvs/types.js';
import { assertInLab, ipvsadm, ipvsadmRestore, loadDriver, mustApply, type Driver } from '../support.js';
import { FIXTURE, FIXTURE_RULES } from './fixture.js';

assertInLab();

function keyText(k: ServiceKey): string {
  return k.fwmark !== undefined ? `fwm${k.family}:${k.fwmark}` : `${k.protocol}:${k.family}:${k.address}:${k.port}`;
}

/** norm* keep the fields a write sets, so dumps (with stats, conns) compare with fixtures. */
function normService(s: IpvsService) {
  return { key: keyText(s.key), scheduler: s.scheduler, flags: s.flags, timeout: s.timeout, netmask: s.netmask, pe: s.peName ?? '' };
}
function normDest(d: IpvsDest, f: IpvsFamily) {
  const tun = d.forward === 'tunnel' ? `${d.tunType ?? 'ipip'}:${d.tunPort ?? 0}:${d.tunFlags ?? 0}` : '';
  return { addr: `${d.family ?? f}/${d.address}:${d.port}`, fwd: d.forward, w: d.weight, u: d.upperThreshold, l: d.lowerThreshold, tun };
}
const byAddr = (a: { addr: string }, b: { addr: string }) => (a.addr < b.addr ? -1 : a.addr > b.addr ? 1 : 0);

async function readTable(h: IpvsHandle) {
  const out = new Map<string, { service: ReturnType<typeof normService>; dests: ReturnType<typeof normDest>[] }>();
  for (const s of await h.listServices()) {
    const dests = (await h.listDests(s.key)).map((d) => normDest(d, s.key.family)).sort(byAddr);
    out.set(keyText(s.key), { service: normService(s), dests });
  }
  return out;
}

/** ipvsadmViews captures every ipvsadm listing that shows a field a write can set. */
function ipvsadmViews(): Record<string, string> {
  return {
    save: ipvsadm('-Sn'),
    list: ipvsadm('-Ln'),
    thresholds: ipvsadm('-Ln', '--thresholds'),
    tunInfo: ipvsadm('-Ln', '--tun-info'),
  };
}

let drv: Driver;
let h: IpvsHandle;
let reference: Record<string, string>;

before(async () => {
  drv = await loadDriver();
  h = await drv.openIpvs();
  ipvsadm('-C');
  ipvsadmRestore(FIXTURE_RULES);
  reference = ipvsadmViews();
});
after(async () => {
  ipvsadm('-C');
  await h?.close();
});

test('decode: a table built by ipvsadm -R reads back field by field', async () => {
  const got = await readTable(h);
  assert.equal(got.size, FIXTURE.length);
  for (const e of FIXTURE) {
    const k = keyText(e.service.key);
    const g = got.get(k);
    assert.ok(g, `service ${k} missing from the dump`);
    assert.deepEqual(g.service, normService(e.service), `service ${k}`);
    assert.deepEqual(g.dests, e.dests.map((d) => normDest(d, e.service.key.family)).sort(byAddr), `dests of ${k}`);
  }
});

test('render: every ipvsadm -L view and -S, byte for byte', async () => {
  const table: { desc: string; args: string[]; render: () => Promise<string> }[] = [
    { desc: '-Ln', args: ['-Ln'], render: () => drv.renderList(h) },
    { desc: '-Ln --stats', args: ['-Ln', '--stats'], render: () => drv.renderList(h, { view: 'stats' }) },
    { desc: '-Ln --stats --exact', args: ['-Ln', '--stats', '--exact'], render: () => drv.renderList(h, { view: 'stats', exact: true }) },
    { desc: '-Ln --rate', args: ['-Ln', '--rate'], render: () => drv.renderList(h, { view: 'rate' }) },
    { desc: '-Ln --thresholds', args: ['-Ln', '--thresholds'], render: () => drv.renderList(h, { view: 'thresholds' }) },
    { desc: '-Ln --persistent-conn', args: ['-Ln', '--persistent-conn'], render: () => drv.renderList(h, { view: 'persistent-conn' }) },
    { desc: '-Ln --tun-info', args: ['-Ln', '--tun-info'], render: () => drv.renderList(h, { view: 'tun-info' }) },
    { desc: '-Ln --nosort (kernel hash order)', args: ['-Ln', '--nosort'], render: () => drv.renderList(h, { nosort: true }) },
    { desc: '-Sn', args: ['-Sn'], render: () => drv.renderSave(h) },
    { desc: '--timeout', args: ['-Ln', '--timeout'], render: () => drv.renderTimeouts(h) },
  ];
  for (const c of table) assert.equal(await c.render(), ipvsadm(...c.args), `ipvsadm ${c.desc}`);
});

test('info: version and connection table size match ipvsadm', async () => {
  const info = await h.info();
  assert.equal(`IP Virtual Server version ${info.version} (size=${info.connTabSize})`, reference.list?.split('\n')[0]);
});

test('encode: the same table written by the driver looks identical to ipvsadm', async () => {
  await h.flush();
  assert.equal(ipvsadm('-Sn'), '', 'flush emptied the table');
  await mustApply(h, FIXTURE.map((e) => ({ op: 'addService' as const, service: e.service })));
  await mustApply(h, FIXTURE.flatMap((e) => e.dests.map((dest) => ({ op: 'addDest' as const, key: e.service.key, dest }))));
  const views = ipvsadmViews();
  for (const [name, text] of Object.entries(reference)) assert.equal(views[name], text, `ipvsadm view ${name}`);
  assert.equal(await drv.renderSave(h), reference.save, 'renderSave after the driver build');
});
