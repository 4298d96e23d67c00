/**
 * The hostile servers of cases.ts, in their own process: `node server-main.js <host>` listens
 * for every case on `host` (TCP or UDP, an ephemeral port each) and prints one JSON line, case
 * name -> port. Run apart from the checks so that what the test process measures (RSS, event-loop
 * lag) is the checks' own cost, not the cost of producing the flood.
 */
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';
import { CASES, ORACLE_CASE, type HostileCase, type UdpFlood } from './cases.js';

/**
 * FLOOD_DATAGRAMS bounds one UDP flood: 32 times what a 1 MiB budget takes in the cases' 8 KiB
 * datagrams. The server cannot tell that the check has gone (an unconnected socket gets no ICMP
 * errors), and an endless flood would slow down every later case served by this process. It is
 * paced (FLOOD_BURST datagrams every FLOOD_PAUSE_MS): blasted all at once, a loaded client's
 * receive buffer (about 25 such datagrams) drops nearly all of it.
 */
const FLOOD_DATAGRAMS = 4096;
const FLOOD_BURST = 8;
const FLOOD_PAUSE_MS = 2;

function listenTcp(host: string, c: HostileCase): Promise<number> {
  const script = c.script;
  if (script.transport !== 'tcp') throw new Error('not a tcp case');
  const server = createServer((s) => {
    s.on('error', () => undefined);
    if (script.on === 'connect') script.run(s, Buffer.alloc(0));
    else s.once('data', (d: Buffer) => script.run(s, d));
  });
  return new Promise((resolve) => server.listen(0, host, () => resolve((server.address() as { port: number }).port)));
}

function listenUdp(host: string, flood: UdpFlood): Promise<number> {
  const s = createSocket('udp4');
  s.on('error', () => undefined);
  const block = Buffer.alloc(flood.size, 0x61);
  s.on('message', (_msg, from) => {
    let sent = 0;
    const burst = (): void => {
      for (let i = 0; i < FLOOD_BURST; i++) s.send(block, from.port, from.address);
      sent += FLOOD_BURST;
      if (sent < FLOOD_DATAGRAMS) setTimeout(burst, FLOOD_PAUSE_MS);
    };
    burst();
  });
  return new Promise((resolve) => s.bind(0, host, () => resolve(s.address().port)));
}

const host = process.argv[2] ?? '127.0.9.1';
const ports: Record<string, number> = {};
for (const c of [...CASES, ORACLE_CASE]) ports[c.name] = c.script.transport === 'tcp' ? await listenTcp(host, c) : await listenUdp(host, c.script);
process.stdout.write(`${JSON.stringify(ports)}\n`);
