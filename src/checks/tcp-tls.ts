/**
 * The tcp-tls negotiate check (an extension; the original has none): up when a TLS handshake
 * with the real server completes. Nothing is sent after it: a server that terminates TLS is
 * judged on its certificate and handshake alone, whatever protocol it speaks inside. The
 * certificate is checked only with tlsVerify (httpsverify=yes), against virtualhost when set,
 * else the real's address; virtualhost is then also the SNI.
 */
import { isIP } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import type { CheckFn } from './types.js';
import { ByteBudget, meter } from './lib/byte-budget.js';
import { checkResult, errorText } from './lib/result.js';

/** check: the tcp-tls negotiate check; it has no port of its own (checkport or the real's port). */
export const check: CheckFn = async (spec, signal) => {
  const started = performance.now();
  let socket: TLSSocket | undefined;
  try {
    const name = spec.tlsVerify ? spec.virtualHost ?? spec.realAddress : undefined;
    socket = await new Promise<TLSSocket>((resolve, reject) => {
      if (signal.aborted) { reject(signal.reason); return; }
      const s = meter(tlsConnect({
        host: spec.realAddress, port: spec.checkPort, rejectUnauthorized: spec.tlsVerify,
        ...(name !== undefined && isIP(name) === 0 ? { servername: name } : {}),
      }), new ByteBudget(spec.maxBytes));
      const onAbort = (): void => { s.destroy(); reject(signal.reason); };
      signal.addEventListener('abort', onAbort, { once: true });
      s.once('error', (e) => { signal.removeEventListener('abort', onAbort); s.destroy(); reject(e); });
      s.once('secureConnect', () => { signal.removeEventListener('abort', onAbort); resolve(s); });
    });
    return checkResult(true, `${socket.getProtocol() ?? 'TLS'} ${socket.getCipher().name}`, started);
  } catch (e) {
    return checkResult(false, errorText(e), started);
  } finally {
    socket?.destroy();
  }
};
