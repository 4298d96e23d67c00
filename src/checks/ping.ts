import type { CheckFn, SpecOf } from './types.js';
import { checkResult, errorText } from './lib/result.js';

type NetPing = typeof import('net-ping');

/**
 * loadNetPing imports net-ping on first use. It loads a native addon; if that failed to build,
 * only ping checks go down ("ping unavailable: ...") instead of the whole checks module.
 */
async function loadNetPing(): Promise<NetPing> {
  const mod = (await import('net-ping')) as NetPing & { default?: NetPing };
  return mod.default ?? mod;
}

function reason(e: unknown): string {
  const m = errorText(e);
  return /not permitted|EPERM|EACCES/i.test(m) ? 'ping needs root/CAP_NET_RAW' : m;
}

/**
 * check for checktype=ping: ICMP echo to the real, IPv4 or IPv6 by spec.family, up to
 * checkCount attempts of timeoutMs each (ldirectord check_ping: Net::Ping icmp). runCheck
 * gives ping a budget of checkCount x timeoutMs. Each check gets its own raw socket and a random
 * ICMP identifier: net-ping matches replies by identifier+sequence only, and would otherwise
 * take a concurrent check's reply for its own.
 */
export const check: CheckFn<SpecOf<'checkCount'>> = async (spec, signal) => {
  const started = performance.now();
  let ping: NetPing;
  try {
    ping = await loadNetPing();
  } catch (e) {
    return checkResult(false, `ping unavailable: ${errorText(e)}`, started);
  }
  let session: ReturnType<NetPing['createSession']>;
  try {
    session = ping.createSession({
      networkProtocol: spec.family === 6 ? ping.NetworkProtocol.IPv6 : ping.NetworkProtocol.IPv4,
      retries: Math.max(1, spec.checkCount) - 1,
      timeout: spec.timeoutMs,
      packetSize: 64,
      sessionId: 1 + Math.floor(Math.random() * 65534),
    });
  } catch (e) {
    return checkResult(false, reason(e), started);
  }
  try {
    await new Promise<void>((resolve, reject) => {
      const onAbort = (): void => reject(signal.reason);
      if (signal.aborted) { onAbort(); return; }
      signal.addEventListener('abort', onAbort, { once: true });
      session.on('error', (e: Error) => { signal.removeEventListener('abort', onAbort); reject(e); });
      session.pingHost(spec.realAddress, (err) => {
        signal.removeEventListener('abort', onAbort);
        if (err) reject(err); else resolve();
      });
    });
    return checkResult(true, '-', started);
  } catch (e) {
    const name = (e as { name?: string })?.name;
    return checkResult(false, name === 'RequestTimedOutError' ? 'no reply' : reason(e), started);
  } finally {
    session.close();
  }
};
