// Shared test helpers for the director: a fake clock, config builders, a scripted check.
import type { CheckFn, CheckResult, CheckSpec } from '../../src/checks/types.js';
import type { Config, GlobalConfig, RealServer, VirtualService } from '../../src/config/model.js';
import type { Clock, TimerHandle } from '../../src/util/clock.js';

/** FakeClock runs timers only when advanced; `advance` also lets promise callbacks run. */
export class FakeClock implements Clock {
  t = 0;
  private timers: { at: number; seq: number; fn: () => void; id: number }[] = [];
  private seq = 0;
  now(): number { return 1_700_000_000_000 + this.t; }
  monotonic(): number { return this.t; }
  setTimeout(fn: () => void, ms: number): TimerHandle {
    const id = ++this.seq;
    this.timers.push({ at: this.t + Math.max(0, ms), seq: id, fn, id });
    return { id };
  }
  clearTimeout(h: TimerHandle): void { this.timers = this.timers.filter((x) => x.id !== h.id); }
  get pending(): number { return this.timers.length; }
  /** advance moves time forward by ms, firing due timers in order and flushing microtasks. */
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    for (;;) {
      await settle();
      this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = this.timers[0];
      if (!next || next.at > end) break;
      this.timers.shift();
      this.t = next.at;
      next.fn();
    }
    this.t = end;
    await settle();
  }
}

/** settle lets pending promise callbacks (several hops) run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise<void>((r) => setImmediate(r));
}

const POS = { file: '/etc/ha.d/test.cf', line: 1 };

export function global(over: Partial<GlobalConfig> = {}): GlobalConfig {
  return {
    checkinterval: 10, autoreload: false, logfile: 'local0', execute: [], fork: false, supervised: true,
    quiescent: false, readdquiescent: false, cleanstop: true, fallbackcommandonstop: false, maxchecks: 0, maxresponsebytes: 1 << 20, ...over,
  };
}

export function real(address: string, over: Partial<RealServer> = {}): RealServer {
  return { family: 4, address, port: 80, forward: 'masq', weight: 1, lowerThreshold: 0, upperThreshold: 0, pos: POS, ...over };
}

export function virtual(address: string, port: number, reals: RealServer[], over: Partial<VirtualService> = {}): VirtualService {
  const protocol = over.protocol ?? 'tcp';
  const id = protocol === 'fwm' ? `fwm:${over.fwmark}` : `${protocol}:${address}:${port}`;
  return {
    id, family: 4, protocol, address: protocol === 'fwm' ? undefined : address, port: protocol === 'fwm' ? 0 : port, reals,
    checktype: { kind: 'negotiate' }, service: 'http', checkcommand: '/bin/true', checktimeout: 5, negotiatetimeout: 5,
    checkcount: 1, failurecount: 1, risecount: 1, checkinterval: 10, request: '/', receive: '', httpmethod: 'GET',
    login: '', passwd: '', database: '', secret: '', scheduler: 'wrr', ops: false, quiescent: false, cleanstop: true,
    emailalert: [], emailalertfreq: 0, emailalertstatus: 15, httpsverify: false, hysteresis: 0, pos: POS, ...over,
  };
}

export function config(virtuals: VirtualService[], g: Partial<GlobalConfig> = {}): Config {
  return { file: '/etc/ha.d/test.cf', name: 'test.cf', global: global(g), virtuals };
}

/** ScriptedCheck: per real address, up or down (default up); records every call. */
export class ScriptedCheck {
  readonly calls: { spec: CheckSpec; at: number }[] = [];
  readonly health = new Map<string, boolean>();
  hang = new Set<string>();
  constructor(private readonly clock: Clock) {}
  fn: CheckFn = (spec, signal) => {
    this.calls.push({ spec, at: this.clock.monotonic() });
    if (this.hang.has(spec.realAddress)) {
      return new Promise<CheckResult>((resolve) => signal.addEventListener('abort', () => resolve({ up: false, message: 'aborted', durationMs: 0 })));
    }
    if (spec.kind === 'on') return Promise.resolve({ up: true, message: '-', durationMs: 0 });
    if (spec.kind === 'off') return Promise.resolve({ up: false, message: '-', durationMs: 0 });
    const up = this.health.get(spec.realAddress) ?? true;
    return Promise.resolve({ up, message: up ? '200 OK' : '500 Internal Server Error', durationMs: 1 });
  };
}
