/**
 * The "tiny Node server" of the checks benchmark, run as its own process so it does not share
 * the checker's CPU: listens on every host:port given as JSON in argv[2], accepts and closes.
 * Prints "ready" once all listeners are up.
 */
import { createServer } from 'node:net';

const targets = JSON.parse(process.argv[2] ?? '[]') as Array<[string, number]>;
const server = (): ReturnType<typeof createServer> => createServer((s) => { s.on('error', () => undefined); s.end(); });
let pending = targets.length;
for (const [host, port] of targets) {
  server().listen({ host, port, backlog: 4096 }, () => { if (--pending === 0) process.stdout.write('ready\n'); });
}
process.on('SIGTERM', () => process.exit(0));
