/**
 * Host tests for the cluster benchmark's pure parts and the config the heartbeat test and the
 * benchmark give both ldirectords: it must be valid for ours and for the Perl original, or the
 * figures would compare a running daemon with a refused one.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseResults, table } from '../../bench/cluster-lab.js';
import { wwwConfig } from '../kernel/cluster/heartbeat-node.js';

const ours = fileURLToPath(new URL('../../../bin/ldirectord', import.meta.url));

test('wwwConfig: ours accepts it (configtest) and so does the Perl original (status of a stopped config is 3)', () => {
  const dir = mkdtempSync('/tmp/cluster-lab-conf-');
  try {
    const cf = join(dir, 'www.cf');
    writeFileSync(cf, wwwConfig({ vip: '192.0.2.110', reals: ['127.0.0.2', '127.0.0.3'], logfile: join(dir, 'ld.log') }));
    const t = spawnSync(process.execPath, [ours, cf, 'configtest'], { encoding: 'utf8' });
    assert.equal(t.status, 0, `${t.stdout}${t.stderr}`);
    assert.match(t.stdout, /192\.0\.2\.110:80/);
    // The Perl original (.ci/apt-packages.d) parses the whole file before any action: 2 on an error.
    const p = spawnSync('/usr/sbin/ldirectord', [cf, 'status'], { encoding: 'utf8' });
    assert.equal(p.status, 3, `${p.stdout}${p.stderr}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('cluster-lab: RESULT lines become one row per step with medians, the runs, and failed runs marked', () => {
  const line = (impl: string, round: number, step: string, s: number | null): string =>
    `RESULT ${JSON.stringify({ manager: 'heartbeat', impl, round, step, s })}`;
  const out = ['noise', line('ours', 1, 'start', 10), line('ours', 2, 'start', 30), line('ours', 3, 'start', 20),
    line('perl', 1, 'start', 40), line('perl', 2, 'start', null), line('perl', 3, 'start', null), 'RESULTS are not this'].join('\n');
  const rs = parseResults(out);
  assert.equal(rs.length, 6);
  assert.equal(table(rs).split('\n')[2],
    '| heartbeat | start | 20.0 (10.0, 30.0, 20.0) | did not happen (40.0, x, x), 2 failed |');
});
