/**
 * The director's side effects on the world outside the kernel table: monitorfile lines,
 * fallbackcommand runs, alert mails and the log lines of health and write events. Each is fire
 * and forget from the director's view (a slow mail or command never holds a check result), and
 * each failure is logged, never thrown back into the hot path.
 */
import type { VirtualService } from '../config/model.js';
import type { IpvsOp } from '../ipvs/types.js';
import { serviceKeyString } from '../ipvs/key.js';
import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/log.js';
import { appendFailure, appendNoFollow } from '../util/append-no-follow.js';
import { destKey, type KernelService } from './diff.js';
import { fallbackDest, realDest } from './desired.js';
import { Alerts } from './email.js';
import { describeOp } from './events.js';
import { fallbackArgv, spawnExec } from './exec.js';
import { monitorLine } from './monitor.js';
import type { Removal } from './pending-writes.js';
import { opKey } from './reconciler.js';
import { hostPort } from '../util/address.js';
import type { RealEntry, VirtualEntry } from './table.js';
import type { DaemonStatus, DirectorDeps } from './types.js';

/** STOP_MAIL_WAIT_MS bounds how long stop waits for alert mails (SMTP: connect 10 s + greeting 10 s). */
export const STOP_MAIL_WAIT_MS = 20_000;

export interface EffectsDeps {
  readonly logger: Logger;
  readonly clock: Clock;
  readonly pid: number;
  readonly alerts: Alerts;
  readonly fs?: DirectorDeps['fs'];
  readonly exec?: DirectorDeps['exec'];
  /** The reported status: names the pass in Purged lines (start, reload, drift). */
  readonly status: () => DaemonStatus;
}

export class Effects {
  /** monitorfiles whose last write failed (their error is logged once per outage). */
  private readonly monitorFailing = new Set<string>();

  constructor(private readonly d: EffectsDeps) {}

  /** monitor appends one monitorfile line; never through a symlink planted there (O_NOFOLLOW). */
  monitor(file: string, nowMs: number, realId: string, up: boolean, message: string): void {
    const line = monitorLine(nowMs, this.d.pid, realId, up, message);
    const append = this.d.fs ? this.d.fs.appendFile(file, line) : appendNoFollow(file, line);
    // Logged once per outage, not once per check (thousands of lines a minute otherwise).
    append.then(() => {
      if (this.monitorFailing.delete(file)) this.d.logger.info(`Writing to monitorfile '${file}' again`);
    }, (err: unknown) => {
      if (this.monitorFailing.has(file)) return;
      this.monitorFailing.add(file);
      this.d.logger.error(`Error writing to monitorfile '${file}': ${appendFailure(err)}`);
    });
  }

  /** fallbackCommand runs `<cmd> start|stop <vip:vport | fwmark> <tcp|udp|fwm>` (fixes `:0 fwm`). */
  fallbackCommand(ve: VirtualEntry, start: boolean): void {
    ve.fbCmd = start;
    const cmd = ve.v.fallbackcommand;
    if (!cmd) return;
    const target = ve.v.protocol === 'fwm' ? String(ve.v.fwmark) : hostPort(ve.v.family, ve.v.address ?? '', ve.v.port);
    const args = [start ? 'start' : 'stop', target, ve.v.protocol];
    const line = `${cmd} ${args.join(' ')}`;
    this.d.logger.info(`Running fallbackcommand: ${line}`);
    (this.d.exec ?? spawnExec)(fallbackArgv(cmd, args)).then((code) => {
      if (code !== 0) this.d.logger.error(`fallbackcommand exited with ${code}: ${line}`);
    }, (err: unknown) => this.d.logger.error(`fallbackcommand failed: ${String(err)}`));
  }

  /** softFailure / softReset: the original's lines for a failure below failurecount and its reset. */
  softFailure(e: RealEntry, failcount: number): void {
    this.d.logger.info(`Soft failure real server: ${hostPort(e.real.family, e.real.address, e.real.port)} (${e.v.id}) failure ${failcount}/${e.v.failurecount}`);
  }

  softReset(e: RealEntry): void {
    this.d.logger.info(`Resetting soft failure count: ${hostPort(e.real.family, e.real.address, e.real.port)} (${e.v.id})`);
  }

  /** drainLifted: an `enable` ended with a passing check. */
  drainLifted(e: RealEntry, message: string): void {
    this.d.logger.info(`Enabled real server: ${hostPort(e.real.family, e.real.address, e.real.port)} (${e.v.id}) after a passing check: ${message}`);
  }

  /** quorumChanged: a virtual's quorum was lost or came back. */
  quorumChanged(v: VirtualService, ok: boolean, liveWeight: number): void {
    this.d.logger.warn(`Quorum ${ok ? 'up' : 'lost'} for ${v.id}: live weight ${liveWeight}, quorum ${v.quorum} ±${v.hysteresis}`);
  }

  /** applied logs one line per applied op and mails the real-server changes. */
  applied(ops: readonly IpvsOp[], byKey: ReadonlyMap<string, VirtualEntry>, removals: readonly Removal[]): void {
    const status = this.d.status();
    const tag = status === 'starting' ? 'start' : status === 'reloading' ? 'reload' : 'drift';
    const now = this.d.clock.now();
    for (const op of ops) {
      const key = opKey(op);
      const k = serviceKeyString(key);
      const ve = byKey.get(k);
      if (!ve) {
        const rm = removals.find((x) => serviceKeyString(x.key) === k);
        this.d.logger.info(`Deleted virtual server: ${rm?.vstr ?? JSON.stringify(key)}`);
        continue;
      }
      const fb = ve.v.fallback ? destKey(fallbackDest(ve.v, ve.v.fallback)) : undefined;
      const realKeys = new Set(ve.reals.map((r) => destKey(realDest(ve.v, r.real, 0))));
      const ev = describeOp(op, ve.vstr, (dk) => dk === fb, (dk) => realKeys.has(dk), tag, destKey, ve.v.family);
      this.d.logger[ev.level](ev.log);
      if (ev.mail && ev.real) this.d.alerts.alert(ve.v, ev.real, ve.vstr, ev.mail, now, ev.remind);
    }
  }

  /**
   * purged: one log line per stop write (the e2e tests count them). The dests went with the
   * service, so they are mailed, as the original's per-real purges were, but not logged one by one.
   */
  purged(ve: VirtualEntry, k: KernelService): void {
    for (const d of k.dests.values()) {
      const rs = hostPort(d.family ?? ve.v.family, d.address, d.port);
      this.d.alerts.alert(ve.v, rs, ve.vstr, `Purged real server (stop): ${rs} (${ve.vstr})`, this.d.clock.now(), false);
    }
    this.d.logger.info(`Purged virtual server (stop): ${ve.vstr} (${k.dests.size} real server(s))`);
  }

  /** settleMail: the daemon exits right after stop, so mails still being sent (the Purged ones) would be lost. */
  async settleMail(): Promise<void> {
    if (!(await this.d.alerts.settle(this.d.clock, STOP_MAIL_WAIT_MS))) {
      this.d.logger.warn(`Gave up waiting for ${this.d.alerts.pending} alert mail(s) after ${STOP_MAIL_WAIT_MS / 1000} s at stop`);
    }
  }
}
