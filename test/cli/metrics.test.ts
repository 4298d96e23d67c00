/**
 * Prometheus metrics through the real daemon, checked by the real tools: a Prometheus server
 * (Debian's package, .ci/apt-packages.d/metrics.txt) scrapes the daemon on loopback with a
 * throwaway config and its HTTP API must return the expected series; `promtool check metrics`
 * lints a scrape. Real checks against a real nginx; IPVS is the in-memory table
 * (LDIRECTORD_ENGINE=memory).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { freePort, makeTempDir, startNginx, startProcess } from '../harness/index.js';
import { pollUntil } from '../harness/wait.js';
import { Sandbox } from './helpers.js';

const ENV = { LDIRECTORD_ENGINE: 'memory' };

function cfg(metricsPort: number, up: number, dead: number, extra = ''): string {
  return `checkinterval=1
checktimeout=2
quiescent=yes
metrics=${metricsPort}
${extra}virtual=10.9.9.9:80
\treal=127.0.0.1:${up} masq 3
\treal=127.0.0.1:${dead} masq 1
\tservice=http
\trequest="/.testpage"
\treceive="Test Page"
\tchecktype=negotiate
virtual=7
\treal=127.0.0.1:${up} gate 2
\tchecktype=on
`;
}

async function scrape(port: number): Promise<{ status: number; type: string | null; body: string }> {
  const r = await fetch(`http://127.0.0.1:${port}/metrics`);
  return { status: r.status, type: r.headers.get('content-type'), body: await r.text() };
}

type Series = { metric: Record<string, string>; value: [number, string] };

async function query(promPort: number, q: string): Promise<Series[]> {
  const r = await fetch(`http://127.0.0.1:${promPort}/api/v1/query?query=${encodeURIComponent(q)}`);
  const j = await r.json() as { status: string; data: { result: Series[] } };
  assert.equal(j.status, 'success');
  return j.data.result;
}

test('metrics: promtool passes, a real Prometheus scrapes the daemon and its API has the series; reload results counted', async () => {
  const sb = new Sandbox();
  const nginxDir = makeTempDir('metrics-nginx');
  const promDir = makeTempDir('metrics-prom');
  const [up, dead, mport, pport] = [await freePort(), await freePort(), await freePort(), await freePort()];
  const nginx = await startNginx(nginxDir, {
    http: `server { listen 127.0.0.1:${up}; location = /.testpage { return 200 "Test Page\\n"; } }`,
    ready: { host: '127.0.0.1', port: up },
  });
  let prom: Awaited<ReturnType<typeof startProcess>> | undefined;
  try {
    sb.writeConfig('www', cfg(mport, up, dead));
    const st = await sb.ldirectord(['www', 'start'], { env: ENV });
    assert.equal(st.code, 0, st.stderr);
    assert.match(sb.readLog(), new RegExp(`Serving Prometheus metrics on http://127\\.0\\.0\\.1:${mport}/metrics`));

    // Wait for the first round, then lint a scrape with promtool.
    let body = '';
    assert.ok(await pollUntil(async () => {
      body = (await scrape(mport)).body;
      return body.includes(`remote_port="${dead}",state="quiescent"} 1`) && body.includes(`remote_port="${up}",state="up"} 1`);
    }, 20_000, 200), body);
    const s = await scrape(mport);
    assert.equal(s.status, 200);
    assert.equal(s.type, 'text/plain; version=0.0.4; charset=utf-8');
    const lint = spawnSync('promtool', ['check', 'metrics'], { input: s.body, encoding: 'utf8' });
    assert.equal(lint.status, 0, `promtool: ${lint.stdout}${lint.stderr}`);
    assert.equal((await fetch(`http://127.0.0.1:${mport}/other`)).status, 404);

    // A throwaway Prometheus on loopback scrapes every second.
    writeFileSync(promDir.join('prometheus.yml'), `global: { scrape_interval: 1s, evaluation_interval: 1s }
scrape_configs:
  - job_name: ldirectord
    static_configs: [ { targets: ['127.0.0.1:${mport}'] } ]
`);
    prom = await startProcess('prometheus', [
      `--config.file=${promDir.join('prometheus.yml')}`, `--storage.tsdb.path=${promDir.join('data')}`,
      `--web.listen-address=127.0.0.1:${pport}`, '--log.level=warn',
    ], { ready: { host: '127.0.0.1', port: pport }, readyTimeoutMs: 60_000 });

    let realUp: Series[] = [];
    assert.ok(await pollUntil(async () => {
      realUp = await query(pport, 'ldirectord_real_up{job="ldirectord"}').catch(() => []);
      return realUp.length === 3;
    }, 60_000, 500), `Prometheus never had the series: ${JSON.stringify(realUp)}\n${prom.output()}`);
    const byPort = (port: number, mark = '') => realUp.find((x) => x.metric.remote_port === String(port) && (x.metric.local_mark ?? '') === mark);
    assert.deepEqual(byPort(up)?.metric, {
      __name__: 'ldirectord_real_up', job: 'ldirectord', instance: `127.0.0.1:${mport}`,
      // Prometheus drops empty labels: local_mark="" of an address service is no label at all.
      local_address: '10.9.9.9', local_port: '80', proto: 'TCP', remote_address: '127.0.0.1', remote_port: String(up),
    });
    assert.equal(byPort(up)?.value[1], '1');
    assert.equal(byPort(dead)?.value[1], '0');
    // fwmark services: node_exporter's spelling (no local address, port 0, proto FWM); gate = the virtual's port 0.
    assert.deepEqual([byPort(0, '7')?.metric.proto, byPort(0, '7')?.metric.local_port, byPort(0, '7')?.value[1]], ['FWM', '0', '1']);

    const weight = await query(pport, `ldirectord_real_weight_kernel{remote_port="${up}",local_mark=""}`);
    assert.equal(weight[0]?.value[1], '3');
    const quiescent = await query(pport, 'ldirectord_virtual_reals{state="quiescent",proto="TCP"}');
    assert.equal(quiescent[0]?.value[1], '1');
    const fails = await query(pport, `ldirectord_real_check_failures_total{remote_port="${dead}"}`);
    assert.ok(Number(fails[0]?.value[1]) >= 1);
    const hist = await query(pport, 'ldirectord_check_duration_seconds_count{check="http"}');
    assert.ok(Number(hist[0]?.value[1]) >= 2);
    const writes = await query(pport, 'ldirectord_ipvs_writes_total{op="addDest"}');
    assert.ok(Number(writes[0]?.value[1]) >= 2);
    const build = await query(pport, 'ldirectord_build_info');
    assert.equal(build[0]?.metric.config, 'www');

    // A broken reload: last reload failed, the daemon keeps serving.
    sb.writeConfig('www', `${cfg(mport, up, dead)}bogus=1\n`);
    assert.equal((await sb.ldirectord(['www', 'reload'], { env: ENV })).code, 2, 'reload refuses a broken file itself');
    const pid = sb.readPid('www')!;
    process.kill(pid, 'SIGHUP');
    assert.ok(await pollUntil(async () => (await scrape(mport)).body.includes('ldirectord_config_last_reload_successful 0'), 20_000, 200));
    assert.match((await scrape(mport)).body, /ldirectord_config_reloads_total\{result="failure"\} 1\n/);
    // A good reload that moves nothing keeps serving, and counts as a success.
    sb.writeConfig('www', cfg(mport, up, dead));
    process.kill(pid, 'SIGHUP');
    assert.ok(await pollUntil(async () => (await scrape(mport)).body.includes('ldirectord_config_last_reload_successful 1'), 20_000, 200));
  } finally {
    await prom?.stop();
    await nginx.stop();
    sb.cleanup();
    nginxDir.remove();
    promDir.remove();
  }
});
