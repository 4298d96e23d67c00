import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { freePorts } from './ports.js';

const HOST = '127.0.5.61';
const ephemeralLow = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);

test('freePorts: two processes asking at once never get the same port, and none is ephemeral', async () => {
  const portsModule = fileURLToPath(new URL('./ports.js', import.meta.url));
  const script = `import(${JSON.stringify(portsModule)}).then(async (m) => console.log(JSON.stringify(await m.freePorts(${JSON.stringify(HOST)}, 300))))`;
  const child = new Promise<number[]>((resolve, reject) => {
    execFile(process.execPath, ['-e', script], { timeout: 60_000 }, (err, stdout) => (err ? reject(err) : resolve(JSON.parse(stdout) as number[])));
  });
  const mine = await freePorts(HOST, 300);
  const theirs = await child;
  assert.equal(new Set(mine).size, 300);
  assert.equal(new Set(theirs).size, 300);
  const shared = mine.filter((p) => theirs.includes(p));
  assert.deepEqual(shared, [], 'a port was handed to both processes');
  for (const p of [...mine, ...theirs]) assert.ok(p < ephemeralLow, `port ${p} is in the ephemeral range (from ${ephemeralLow})`);
});
