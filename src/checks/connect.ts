import type { CheckFn } from './types.js';
import { connectTcp } from './lib/socket.js';
import { checkResult, errorText } from './lib/result.js';

/**
 * check for checktype=connect: up when a TCP connection to realAddress:checkPort is
 * established (ldirectord check_connect L3455). fwmark virtuals connect over TCP too; UDP
 * virtuals never get here (runCheck sends them to ping). The connection is closed at once.
 */
export const check: CheckFn = async (spec, signal) => {
  const started = performance.now();
  try {
    const socket = await connectTcp(spec.realAddress, spec.checkPort, signal);
    socket.destroy();
    return checkResult(true, '-', started);
  } catch (e) {
    return checkResult(false, errorText(e), started);
  }
};
