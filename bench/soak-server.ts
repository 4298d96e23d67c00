// The soak's real servers: one node http server on 0.0.0.0 (a random port, sent to the parent),
// answering for every 127.x.y.z real. A real the parent has marked down gets HTTP 500, the way
// a broken application answers; the set changes by IPC ({ down: [...], up: [...] }).
// A child process, so the checker's figures (RSS, fds, loop lag) are its own.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const failing = new Set<string>();
process.on('message', (m: { down?: string[]; up?: string[] }) => {
  for (const a of m.down ?? []) failing.add(a);
  for (const a of m.up ?? []) failing.delete(a);
});
// The parent's death ends the soak: never outlive it.
process.on('disconnect', () => process.exit(0));

const srv = createServer((req, res) => {
  const bad = failing.has(req.socket.localAddress ?? '');
  res.writeHead(bad ? 500 : 200, { 'content-type': 'text/plain', connection: 'close' });
  res.end(bad ? 'fail' : 'ok');
});
srv.keepAliveTimeout = 1000;
srv.listen(0, '0.0.0.0', () => process.send!({ port: (srv.address() as AddressInfo).port }));
