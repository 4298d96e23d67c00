/**
 * `stop` while `start` is still loading its config (issue 15; docs/cli.md, "Stop during start").
 * Loading takes as long as the names in the config take to resolve. Here a real's name resolves
 * through a DNS server the test runs (the commands see it as their /etc/resolv.conf, bind-mounted
 * in a mount namespace of their own), which holds `start`'s first query until the test lets it go.
 * While it is held `start` is, provably, loading the config: before the fix there was no pid file
 * yet, so a `stop` then found nothing to stop and the daemon came up afterwards.
 */
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { processesWith } from '../e2e-support/procs.js';
import { Sandbox, waitFor } from './helpers.js';

let box: Sandbox | undefined;
let dns: HeldDns | undefined;
afterEach(async () => {
  box?.cleanup();
  await dns?.close();
});

const NAME = 'slowreal.ldtest';
const ENV = { LDIRECTORD_ENGINE: 'memory', LDIRECTORD_START_TIMEOUT: '120', LDIRECTORD_STOP_TIMEOUT: '120' };

/** answer is a DNS reply to `query`: one A record 127.0.2.1 for an A question, else no data. */
function answer(query: Buffer): Buffer {
  let end = 12;
  while (end < query.length && query[end] !== 0) end += (query[end] ?? 0) + 1;
  const question = query.subarray(12, end + 5); // name, its 0 byte, type, class
  const isA = query.readUInt16BE(end + 1) === 1;
  const header = Buffer.alloc(12);
  query.copy(header, 0, 0, 2); // the id
  header.writeUInt16BE(0x8180, 2); // a response, recursion desired + available, NOERROR
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(isA ? 1 : 0, 6);
  const record = Buffer.from([0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 127, 0, 2, 1]);
  return Buffer.concat([header, question, ...(isA ? [record] : [])]);
}

/** HeldDns answers every query at once except the first, which it holds until `release`. */
interface HeldDns {
  readonly address: string;
  /** Resolves when the first query has arrived. */
  readonly held: Promise<void>;
  release(): void;
  close(): Promise<void>;
}

function startDns(address: string): Promise<HeldDns> {
  return new Promise((resolve, reject) => {
    const s: Socket = createSocket('udp4');
    let first: { msg: Buffer; from: RemoteInfo } | undefined;
    let released = false;
    let onHeld!: () => void;
    const held = new Promise<void>((r) => { onHeld = r; });
    const reply = (msg: Buffer, from: RemoteInfo): void => { s.send(answer(msg), from.port, from.address); };
    s.on('message', (msg, from) => {
      if (!first && !released) {
        first = { msg, from };
        onHeld();
        return;
      }
      reply(msg, from);
    });
    s.once('error', reject);
    s.bind(53, address, () => resolve({
      address,
      held,
      release: () => {
        released = true;
        if (first) reply(first.msg, first.from);
      },
      close: () => new Promise((r) => s.close(() => r())),
    }));
  });
}

test('a stop while `start` waits for a name to resolve: start 1 without spawning a daemon, stop 0, nothing left', async () => {
  // A loopback address of this run's own, so that two test processes never share the server.
  const address = `127.53.${(process.pid >> 8) & 255}.${(process.pid & 255) || 1}`;
  dns = await startDns(address);
  box = new Sandbox();
  const resolvConf = join(box.dir, 'resolv.conf');
  // One attempt with a long timeout: glibc must not retry (the retry would be answered at once).
  writeFileSync(resolvConf, `nameserver ${address}\noptions timeout:30 attempts:1\n`);
  // The commands run in a mount namespace of their own in which this file is /etc/resolv.conf.
  const prefix = ['unshare', '-m', 'sh', '-c', `mount --bind ${resolvConf} /etc/resolv.conf && exec "$@"`, 'sh'];
  const cf = `sdl-${process.pid}.cf`;
  box.writeConfig(cf, `checkinterval=5\nvirtual=127.0.1.1:2000\n\treal=${NAME}:2000 gate\n\tchecktype=connect\n`);

  const starting = box.ldirectord([cf, 'start'], { env: ENV, timeoutMs: 240_000, prefix });
  await dns.held; // `start` is loading its config now, and will be until we answer
  assert.ok(await waitFor(() => box!.readPid(cf) !== undefined, 60_000, 10), 'a pid file while start loads its config');
  const pid = box.readPid(cf)!;
  assert.match(readFileSync(`/proc/${pid}/cmdline`, 'latin1'), /\0start$|\0start\0/, 'the pid file names the `start` command');
  assert.doesNotMatch(box.readLog(), /as daemon/, 'no daemon spawned yet');

  // What `stop` does with the pid it reads: TERM it and wait for it to exit. Sent by hand here
  // so that it lands while the query is held; the real `stop` then runs as an admin would.
  process.kill(pid, 'SIGTERM');
  const stopping = box.ldirectord([cf, 'stop'], { env: ENV, timeoutMs: 240_000, prefix });
  dns.release();
  const [start, stop] = await Promise.all([starting, stopping]);

  assert.equal(start.code, 1, `start: ${start.stderr}`);
  assert.match(start.stderr, /ldirectord was stopped during startup \(signal TERM\)/);
  assert.equal(stop.code, 0, `stop: ${stop.stderr}`);
  assert.equal(existsSync(box.pidFile(cf)), false, 'no pid file left');
  assert.deepEqual(processesWith(`${cf} start`), [], 'no ldirectord left running');
  assert.doesNotMatch(box.readLog(), /as daemon|Added virtual server/, 'the daemon was never spawned');
});
