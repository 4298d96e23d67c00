/**
 * The tcp-tls negotiate check (an extension; the original has none): up when a TLS handshake
 * with the real server completes. Nothing is sent after it: a server that terminates TLS is
 * judged on its certificate and handshake alone, whatever protocol it speaks inside. The
 * certificate is checked only with tlsVerify (httpsverify=yes), against virtualhost when set,
 * else the real's address; virtualhost is then also the SNI.
 */
import type { TLSSocket } from 'node:tls';
import type { CheckFn, SpecOf } from './types.js';
import { ByteBudget } from './lib/byte-budget.js';
import { connectStream, tlsPolicy } from './lib/socket.js';
import { checkResult, errorText } from './lib/result.js';

/** check: the tcp-tls negotiate check; it has no port of its own (checkport or the real's port). */
export const check: CheckFn<SpecOf<'virtualHost' | 'tlsVerify'>> = async (spec, signal) => {
  const started = performance.now();
  let socket: TLSSocket | undefined;
  try {
    socket = await connectStream({ host: spec.realAddress, port: spec.checkPort, tls: tlsPolicy(spec) }, signal, new ByteBudget(spec.maxBytes));
    return checkResult(true, `${socket.getProtocol() ?? 'TLS'} ${socket.getCipher().name}`, started);
  } catch (e) {
    return checkResult(false, errorText(e), started);
  } finally {
    socket?.destroy();
  }
};
