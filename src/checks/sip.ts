import type { CheckFn, CheckTarget, SpecOf } from './types.js';
import { clip } from './lib/result.js';
import { connectTcp, connectUdp, readLines } from './lib/socket.js';
import { type Deadline, type Outcome, down, up, withDeadline } from './lib/deadline.js';
import { SIP_OK, firstLine, sipOptions } from './wire/sip-message.js';
import { orDefaultLogin } from './lib/identity.js';

/**
 * check is the sip negotiate check (ldirectord check_sip, L3559): send one OPTIONS request over
 * UDP, or TCP when the virtual is tcp, and look at the first response line only. Up when it
 * matches ^SIP/2.0 200 OK; any other status (a provisional 100 included, as in the original) is down.
 */
export const check: CheckFn<SpecOf<'login'>> = (spec, signal, ctx) => withDeadline(spec.timeoutMs, signal, (d) => {
  const login = orDefaultLogin(spec.login, ctx);
  return spec.protocol === 'tcp' ? overTcp(spec, d, login) : overUdp(spec, d, login);
}, { maxBytes: spec.maxBytes, ctx });

function judge(line: string): Outcome {
  if (line === '') return down('No OK');
  return SIP_OK.test(line) ? up(clip(line)) : down(clip(line));
}

function overUdp(spec: CheckTarget, d: Deadline, login: string): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    connectUdp(spec.realAddress, spec.checkPort, d, {
      error: reject,
      message: (msg) => resolve(judge(firstLine(msg.subarray(0, spec.maxBytes)))),
      connected: (socket) => {
        const local = socket.address();
        socket.send(Buffer.from(sipOptions(login, local.address, local.port), 'latin1'), (err) => {
          if (err) reject(err);
        });
      },
    });
  });
}

async function overTcp(spec: CheckTarget, d: Deadline, login: string): Promise<Outcome> {
  const socket = await connectTcp(spec.realAddress, spec.checkPort, d.signal, d.budget);
  d.defer(() => socket.destroy());
  socket.on('error', () => undefined); // errors surface through readLines; keep late ones quiet
  socket.write(sipOptions(login, socket.localAddress ?? '', socket.localPort ?? 0), 'latin1');
  const read = await readLines(socket, d.signal, d.budget, () => true);
  // A status line that never ends is no status line (a cut "SIP/2.0 200 OK..." is not an OK).
  if (read.truncated) throw d.budget.error();
  return judge(read.matched ?? '');
}
