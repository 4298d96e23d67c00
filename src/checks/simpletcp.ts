import type { CheckFn, SpecOf } from './types.js';
import { connectTcp, readLines } from './lib/socket.js';
import { compileReceive } from './lib/receive.js';
import { checkResult, errorText } from './lib/result.js';
import { ByteBudget } from './lib/byte-budget.js';

/**
 * simpletcpPayload is what simpletcp sends: the request minus its first character (the '/'
 * the config parser put there), with each literal backslash-n turned into LF; nothing is
 * appended (ldirectord check_simpletcp L3683-3684).
 */
export function simpletcpPayload(request: string): string {
  return request.slice(1).replace(/\\n/g, '\n');
}

/**
 * check for service=simpletcp: connect, send the payload, shut down the write side, then read
 * lines (bounded by the byte budget) until one matches receive. Up on a matching line.
 */
export const check: CheckFn<SpecOf<'request' | 'receive'>> = async (spec, signal) => {
  const started = performance.now();
  const re = spec.compiledReceive ?? compileReceive(spec.receive);
  if (typeof re === 'string') return checkResult(false, re, started);
  let socket;
  try {
    const budget = new ByteBudget(spec.maxBytes);
    socket = await connectTcp(spec.realAddress, spec.checkPort, signal, budget);
    socket.end(simpletcpPayload(spec.request), 'latin1');
    const r = await readLines(socket, signal, budget, (line) => re.matches(line));
    if (r.matched !== undefined) return checkResult(true, '-', started);
    return checkResult(false, r.truncated ? `no match in first ${spec.maxBytes} bytes` : `no match (${r.bytes} bytes)`, started);
  } catch (e) {
    return checkResult(false, errorText(e), started);
  } finally {
    socket?.destroy();
  }
};
