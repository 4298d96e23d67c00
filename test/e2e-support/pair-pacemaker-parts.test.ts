/**
 * The host-side parts of the Pacemaker director pair (issue 13): the CIB both directors start from
 * is checked by Pacemaker's own crm_verify (schema, IDREFs, constraints) for both shapes, and says
 * what docs/director-pair.md prescribes; corosync.conf is two_node over the pair's addresses; the
 * benchmark's per-system case list.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cibXml, corosyncConf } from '../kernel/e2e/pair-pacemaker.js';
import { DIRECTORS, VIP } from '../kernel/e2e/pair-topology.js';
import { casesFor } from '../../bench/pair-lab.js';

/** crmVerify runs Pacemaker's crm_verify on a CIB; returns its exit status and output. */
function crmVerify(xml: string): { status: number; out: string } {
  const dir = mkdtempSync(join(tmpdir(), 'pair-cib-'));
  try {
    const file = join(dir, 'cib.xml');
    writeFileSync(file, xml);
    try {
      return { status: 0, out: execFileSync('crm_verify', ['--xml-file', file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }) };
    } catch (e) {
      const x = e as { status?: number; stdout?: string; stderr?: string };
      return { status: x.status ?? -1, out: `${x.stdout ?? ''}${x.stderr ?? ''}` };
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('Pacemaker CIB: both shapes pass crm_verify; a broken reference does not', () => {
  for (const mode of ['moved', 'warm'] as const) {
    const r = crmVerify(cibXml(mode));
    assert.equal(r.status, 0, `${mode}: ${r.out}`);
  }
  const broken = crmVerify(cibXml('warm').replace('with-rsc="ld-clone"', 'with-rsc="nothing"'));
  assert.notEqual(broken.status, 0, 'crm_verify rejects a colocation with an unknown resource (the check can fail)');
});

test('Pacemaker CIB: no fencing, the seed\'s group (VIP before ldirectord), or a clone with the VIP colocated and ordered after it', () => {
  for (const mode of ['moved', 'warm'] as const) {
    const x = cibXml(mode);
    assert.match(x, /name="stonith-enabled" value="false"/);
    assert.match(x, new RegExp(`type="IPaddr2"><instance_attributes id="vip-ia"><nvpair id="vip-ip" name="ip" value="${VIP.replace(/\./g, '\\.')}"/>`));
    assert.match(x, /type="ldirectord"><instance_attributes id="ld-ia"><nvpair id="ld-cf" name="configfile" value="\/etc\/ha\.d\/www\.cf"\/>/);
    assert.doesNotMatch(x, /name="ldirectord"/, 'the agent\'s default binary: /usr/sbin/ldirectord');
  }
  const moved = cibXml('moved');
  assert.match(moved, /<group id="lvs"><primitive id="vip"[^]*<\/primitive><primitive id="ld"[^]*<\/primitive><\/group>/, 'group: VIP first, then ldirectord');
  assert.match(moved, /<rsc_location id="lvs-on-1" rsc="lvs" node="linuxha1" score="100"\/>/);
  assert.doesNotMatch(moved, /<clone/);
  const warm = cibXml('warm');
  assert.match(warm, /<clone id="ld-clone">[^]*<primitive id="ld"[^]*<\/clone><primitive id="vip"/, 'ldirectord cloned, the VIP alone');
  assert.match(warm, /<rsc_colocation id="vip-with-ld" rsc="vip" with-rsc="ld-clone" score="INFINITY"\/>/);
  assert.match(warm, /<rsc_order id="ld-then-vip" first="ld-clone" then="vip" kind="Mandatory"\/>/);
  assert.doesNotMatch(warm, /<group/);
});

test('corosync.conf: knet, two_node quorum, one ring0 address per director', () => {
  const c = corosyncConf(DIRECTORS.map((d) => ({ name: d.name, addr: d.addr })));
  assert.match(c, /transport: knet/);
  assert.match(c, /quorum \{\n {2}provider: corosync_votequorum\n {2}two_node: 1\n\}/);
  for (const [i, d] of DIRECTORS.entries()) {
    assert.ok(c.includes(`  node {\n    ring0_addr: ${d.addr}\n    name: ${d.name}\n    nodeid: ${i + 1}\n  }`), `${d.name} in the nodelist:\n${c}`);
  }
});

test('pair benchmark: plain cases run for every system, system:case for that one', () => {
  const cases = ['moved-sync', 'perl:warm-sync', 'ours:pacemaker-warm-sync'];
  assert.deepEqual(casesFor(cases, 'ours'), ['moved-sync', 'pacemaker-warm-sync']);
  assert.deepEqual(casesFor(cases, 'perl'), ['moved-sync', 'warm-sync']);
});
