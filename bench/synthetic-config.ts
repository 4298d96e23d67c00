/**
 * The synthetic config of the engine benchmarks: `virtuals` http virtuals of `realsPerVirtual`
 * gate reals each, every real checked every second. One definition for engine-host,
 * health-bench and health-cpu-ab, so their figures describe the same load.
 */
import type { Config, RealServer, VirtualService } from '../src/config/model.js';

const POS = { file: 'bench.cf', line: 1 };

/** SyntheticOptions: the size, and what differs between the benchmarks. */
export interface SyntheticOptions {
  readonly virtuals: number;
  readonly realsPerVirtual: number;
  readonly quiescent: boolean;
  /** The real port (default 80). */
  readonly port?: number;
  /** The address of real number n (default 10.x.y.z). */
  readonly addressOf?: (n: number) => string;
  /** Seconds between checks of one real (default 1). */
  readonly checkinterval?: number;
}

/** tenNet is the default real address: 10.0.0.0/8, counting up. */
export const tenNet = (n: number): string => `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;

/** syntheticConfig builds the benchmark config (no file behind it). */
export function syntheticConfig(o: SyntheticOptions): Config {
  const addressOf = o.addressOf ?? tenNet;
  const virtuals: VirtualService[] = [];
  for (let v = 0; v < o.virtuals; v++) {
    const reals: RealServer[] = [];
    for (let r = 0; r < o.realsPerVirtual; r++) {
      const n = v * o.realsPerVirtual + r;
      reals.push({ family: 4, address: addressOf(n), port: o.port ?? 80, forward: 'gate', weight: 1, lowerThreshold: 0, upperThreshold: 0, pos: POS });
    }
    const address = `172.16.${v >> 8}.${v & 255}`;
    virtuals.push({
      id: `tcp:${address}:80`, family: 4, protocol: 'tcp', address, port: 80, reals,
      checktype: { kind: 'negotiate' }, service: 'http', checkcommand: '/bin/true', checktimeout: 5, negotiatetimeout: 5,
      checkcount: 1, failurecount: 1, risecount: 1, checkinterval: o.checkinterval ?? 1, request: '/', receive: '', httpmethod: 'GET',
      login: '', passwd: '', database: '', secret: '', scheduler: 'wrr', ops: false, quiescent: o.quiescent, cleanstop: true,
      emailalert: [], emailalertfreq: 0, emailalertstatus: 15, httpsverify: false, hysteresis: 0, pos: POS,
    });
  }
  return {
    file: '/bench.cf', name: 'bench.cf', virtuals,
    global: {
      checkinterval: o.checkinterval ?? 1, autoreload: false, logfile: 'local0', execute: [], fork: false, supervised: true, quiescent: o.quiescent,
      readdquiescent: false, cleanstop: true, fallbackcommandonstop: false, maxchecks: 1000, maxresponsebytes: 1 << 20,
    },
  };
}
