/**
 * Connection-sync daemons (ipvsadm --start-daemon) through the real kernel: started by the
 * driver and by ipvsadm, listed by both (renderDaemons byte-identical to `ipvsadm -Ln --daemon`),
 * stopped by the driver. They need a multicast interface: a dummy one made for the test.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { renderDaemons } from '../../../src/ipvs/render.js';
import { assertInLab, ipvsadm, loadDriver, modprobe, type DriverHandle } from '../support.js';

assertInLab();

const IFN = 'labsync0';
let h: DriverHandle;

before(async () => {
  modprobe('dummy');
  execFileSync('ip', ['link', 'add', IFN, 'type', 'dummy']);
  execFileSync('ip', ['link', 'set', IFN, 'multicast', 'on', 'up']);
  execFileSync('ip', ['addr', 'add', '192.0.2.1/24', 'dev', IFN]);
  h = await (await loadDriver()).openIpvs();
});
after(async () => {
  for (const state of ['master', 'backup']) {
    try { ipvsadm('--stop-daemon', state); } catch { /* not running */ }
  }
  await h?.close();
  execFileSync('ip', ['link', 'del', IFN]);
});

test('a master started by the driver is what ipvsadm lists; a backup started by ipvsadm is what the driver lists', async () => {
  await h.startDaemon({ state: 'master', mcastIfn: IFN, syncId: 7 });
  assert.match(ipvsadm('-Ln', '--daemon'), new RegExp(`^master sync daemon \\(mcast=${IFN}, syncid=7[,)]`, 'm'));
  ipvsadm('--start-daemon', 'backup', '--mcast-interface', IFN, '--syncid', '9',
    '--mcast-group', '239.1.2.3', '--mcast-port', '8849', '--sync-maxlen', '1400');
  const listed = await h.listDaemons();
  const backup = listed.find((d) => d.state === 'backup');
  assert.equal(backup?.mcastIfn, IFN);
  assert.equal(backup?.syncId, 9);
  assert.equal(backup?.mcastGroup, '239.1.2.3');
  assert.equal(backup?.mcastPort, 8849);
  assert.equal(renderDaemons(listed), ipvsadm('-Ln', '--daemon'), 'renderDaemons is byte-identical');
});

test('stopDaemon stops each daemon; starting a second master is a typed error', async () => {
  await assert.rejects(h.startDaemon({ state: 'master', mcastIfn: IFN, syncId: 8 }), (e: { code?: string }) => typeof e.code === 'string' && e.code.startsWith('LD_ERR_IPVS_'));
  await h.stopDaemon('master');
  assert.doesNotMatch(ipvsadm('-Ln', '--daemon'), /master/);
  await h.stopDaemon('backup');
  assert.equal(ipvsadm('-Ln', '--daemon'), '');
  assert.deepEqual(await h.listDaemons(), []);
});
