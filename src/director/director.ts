/**
 * The director: check results in, IPVS changes out. It routes each probe's result to the reals
 * it feeds (state.ts steps their health), marks the virtuals whose desired state changed for the
 * writer, and owns the lifecycle: start adopts the kernel table without churn, reload keeps the
 * health of unchanged reals and writes only what changed, stop honours cleanstop per virtual.
 * The parts it wires: table.ts (entries, pure), writer.ts (the one path to the kernel: serial
 * queue, retries, drift), effects.ts (monitorfile, fallbackcommand, alerts, log lines).
 */
import { promises as fsp } from 'node:fs';
import { reverse as dnsReverse } from 'node:dns/promises';
import { hostname as osHostname, userInfo } from 'node:os';
import type { CheckResult, CheckSpec } from '../checks/types.js';
import type { TimeLimit } from '../checks/lib/time-limit.js';
import type { Config } from '../config/model.js';
import type { TimerHandle } from '../util/clock.js';
import { destKey } from './diff.js';
import { realDest } from './desired.js';
import { DrainList } from './drain.js';
import { DrainControl, liftDrainOnPass } from './drain-control.js';
import { Effects } from './effects.js';
import { Alerts, nodemailerSend } from './email.js';
import type { TextSink } from './exposition.js';
import { healthSnapshot, MAINTENANCE_MESSAGE, type HealthSnapshot } from './health.js';
import { Maintenance } from './maintenance.js';
import { renderMetrics } from './metrics.js';
import { monitorLogs } from './monitor.js';
import { checkLine, checkName, stateChangeLine } from './real-entry.js';
import { Scheduler, spreadFor, type ProbeResult } from './scheduler.js';
import { evalVirtual, step, type HealthEvent } from './state.js';
import {
  adoptServing, buildTable, desiredOf, EMPTY_TABLE, ownedKeys, quiescedToAdd, quiescedWritten, servingDown, settled,
  type RealEntry, type Table, type VirtualEntry,
} from './table.js';
import type { DaemonStatus, Director, DirectorDeps, DirectorStatus, EngineFigures, RealStatus } from './types.js';
import { Writer, type Prepared } from './writer.js';
import { renderSyncMetrics } from './sync-metrics.js';
import { SyncDaemons } from './sync-daemon.js';

/** DirectorEngine implements Director; `idle()` (tests) waits until pending writes are done. */
export class DirectorEngine implements Director {
  private config: Config;
  /** What status, alerts and the health view report; `starting` lasts until the first round is in. */
  private status_: DaemonStatus = 'stopped';
  private table: Table = EMPTY_TABLE;
  private readonly writer: Writer<VirtualEntry>;
  private readonly scheduler: Scheduler;
  private readonly effects: Effects;
  private readonly alerts: Alerts;
  private maintenance: Maintenance | undefined;
  private readonly drains: DrainList;
  private readonly drainControl: DrainControl;
  private tickTimer: TimerHandle | undefined;
  private lastDrift = 0;
  /**
   * wallOffset turns a monotonic reading into wall time (clock.now() - clock.monotonic()), taken
   * at start and on every tick: each result's wall time then costs no clock read of its own (a
   * syscall in the kernel lab, where clock_gettime has no vDSO).
   */
  private wallOffset = 0;
  private readonly monotonic = (): number => this.deps.clock.monotonic();
  private readonly hostname: string;
  private readonly pid: number;
  /** The kernel's connection-sync daemons (syncdaemon=); never stopped by us (sync-daemon.ts). */
  private readonly sync: SyncDaemons;

  constructor(config: Config, private readonly deps: DirectorDeps) {
    this.config = config;
    this.hostname = deps.hostname ?? osHostname();
    this.pid = deps.pid ?? process.pid;
    this.writer = new Writer({
      ipvs: deps.ipvs, logger: deps.logger,
      prepare: (id) => this.prepare(id),
      applied: (ops, byKey, removals) => this.effects.applied(ops, byKey, removals),
    });
    this.sync = new SyncDaemons(deps.ipvs, deps.logger);
    this.scheduler = new Scheduler({
      clock: deps.clock, maxChecks: config.global.maxchecks, random: deps.random,
      run: (spec, signal, limit) => this.run(spec, signal, limit),
      onResult: (key, r) => this.onResult(key, r),
      ...(deps.options?.onCheckStart ? { onStart: (_k: string, lag: number) => deps.options!.onCheckStart!(lag) } : {}),
    });
    let user = 'root';
    try { user = userInfo().username; } catch { /* no passwd entry: keep root */ }
    this.alerts = new Alerts({
      hostname: this.hostname, logger: deps.logger, send: deps.sendMail ?? nodemailerSend(),
      from: () => this.config.global.emailalertfrom ?? `${user}@${this.hostname}`,
      status: () => this.status_,
    });
    this.effects = new Effects({
      logger: deps.logger, clock: deps.clock, pid: this.pid, alerts: this.alerts, status: () => this.status_,
      ...(deps.fs ? { fs: deps.fs } : {}), ...(deps.exec ? { exec: deps.exec } : {}),
    });
    this.maintenance = this.makeMaintenance(config);
    this.drains = new DrainList(deps.drainStore?.load() ?? []);
    this.drainControl = new DrainControl({
      list: this.drains, logger: deps.logger, clock: deps.clock, file: () => this.config.file,
      ...(deps.drainStore ? { store: deps.drainStore } : {}),
      entries: () => this.entries(),
      changed: (id) => this.writer.mark(id),
    });
  }

  async start(): Promise<void> {
    this.status_ = 'starting';
    await this.writer.load(ownedKeys(this.config));
    this.table = buildTable(this.config, EMPTY_TABLE, this.drains, this.deps.clock.now());
    adoptServing(this.table, (k) => this.writer.kernel(k));
    this.markAll();
    await this.writer.write();
    await this.sync.configure(this.config.global.syncdaemon, this.monotonic());
    this.syncProbes(new Set());
    this.lastDrift = this.deps.clock.monotonic();
    this.syncWall();
    this.armTick();
    this.maybeRunning();
  }

  /**
   * maybeRunning ends 'starting' once every virtual has an answer for every real: the first round
   * is the original's "starting" round (PR #760), so emailalertstatus filters startup mails the same.
   */
  private maybeRunning(): void {
    if (this.status_ === 'starting' && settled(this.table)) this.status_ = 'running';
  }

  async reload(config: Config): Promise<void> {
    // A reload during the first round must not end 'starting' (emailalertstatus, PR #760).
    const wasStarting = this.status_ === 'starting';
    this.status_ = 'reloading';
    const oldProbes = new Set(this.table.probes.keys());
    const newOwned = ownedKeys(config);
    for (const ve of this.table.virtuals.values()) {
      if (!newOwned.has(ve.keyStr)) this.writer.remove({ key: ve.key, vstr: ve.vstr });
    }
    this.config = config;
    this.scheduler.setMaxChecks(config.global.maxchecks);
    this.maintenance = this.makeMaintenance(config);
    this.table = buildTable(config, this.table, this.drains, this.deps.clock.now());
    this.alerts.retain((v, rs) => {
      const ve = this.table.virtuals.get(v.id);
      return ve && servingDown(ve, rs) ? ve.v : undefined;
    });
    this.markAll();
    await this.writer.write();
    await this.sync.configure(config.global.syncdaemon, this.monotonic());
    this.syncProbes(oldProbes);
    this.status_ = wasStarting ? 'starting' : 'running';
    this.maybeRunning();
  }

  halt(): void {
    this.scheduler.stop();
    if (this.tickTimer) this.deps.clock.clearTimeout(this.tickTimer);
    this.tickTimer = undefined;
  }

  async stop(): Promise<void> {
    this.status_ = 'stopping';
    this.halt();
    this.writer.close();
    await this.writer.idle();
    // fallbackcommandonstop= (extension, ldirectord issue #750); the option overrides it in tests.
    const onStop = this.deps.options?.fallbackCommandOnStop ?? this.config.global.fallbackcommandonstop;
    for (const ve of this.table.virtuals.values()) {
      if (onStop && ve.fbCmd !== true) this.effects.fallbackCommand(ve, true);
      if (!ve.v.cleanstop) continue;
      const k = this.writer.kernel(ve.keyStr);
      if (!k) continue;
      // One virtual the kernel refuses (or a handle error) must not keep the others in the table.
      const res = await this.writer.purge(ve.key, ve.vstr);
      if (res && res.applied.length > 0) this.effects.purged(ve, k);
    }
    await this.effects.settleMail();
    this.status_ = 'stopped';
  }

  /** idle resolves when no write pass is pending (tests, stop). */
  idle(): Promise<void> { return this.writer.idle(); }

  status(): DirectorStatus {
    const virtuals = [...this.table.virtuals.values()].map((ve) => {
      const k = this.writer.kernel(ve.keyStr);
      const reals: RealStatus[] = ve.reals.map((r) => {
        const kd = k?.dests.get(destKey(realDest(ve.v, r.real, 0)));
        return {
          address: r.real.address, port: r.real.port, state: r.health.health, failcount: r.health.failcount,
          kernelWeight: kd ? kd.weight : null, ...(r.last ? { last: { ...r.last } } : {}),
        };
      });
      return {
        id: ve.v.id, fallbackActive: ve.vh?.fallbackActive ?? false, settled: ve.vh !== undefined, reals,
        ...(ve.v.quorum !== undefined ? { quorum: { ok: ve.vh?.quorumOk ?? false, liveWeight: ve.vh?.liveWeight ?? 0, quorum: ve.v.quorum, hysteresis: ve.v.hysteresis } } : {}),
      };
    });
    return {
      status: this.status_,
      counters: {
        checksRun: this.scheduler.checksRun, ipvsWrites: this.writer.writes, ipvsErrors: this.writer.errors,
        driftCorrections: this.writer.driftCorrections, probes: this.scheduler.size,
      },
      virtuals,
    };
  }

  /** health is the view `show` prints (health.ts); it costs only when asked for. */
  health(): HealthSnapshot {
    return { ...healthSnapshot({ config: this.config.name, file: this.config.file, pid: this.pid, status: this.status_, now: this.deps.clock.now() },
      this.table.virtuals.values(), (k) => this.writer.kernel(k)), syncDaemons: this.sync.view() };
  }

  /** metrics writes one Prometheus scrape (metrics.ts); `figures` are the engine's own. */
  metrics(sink: TextSink, figures: EngineFigures): void {
    renderMetrics(sink, this.table.virtuals.values(), (k) => this.writer.kernel(k), {
      ...figures, writesByOp: this.writer.writesByOp, writeErrors: this.writer.errors,
      driftCorrections: this.writer.driftCorrections, checksInFlight: this.scheduler.active, checksRun: this.scheduler.checksRun,
    });
    renderSyncMetrics(sink, this.sync.view());
  }

  /** drain and enable: `ldirectord <cfg> drain|enable REAL` (drain-control.ts). */
  drain(target: string, reason: string): Promise<string[]> { return this.drainControl.drain(target, reason); }
  enable(target: string): Promise<string[]> { return this.drainControl.enable(target); }

  private entries(): RealEntry[] {
    return [...this.table.virtuals.values()].flatMap((ve) => ve.reals);
  }

  /** markAll evaluates every virtual and marks it for the next write (start, reload). */
  private markAll(): void {
    for (const ve of this.table.virtuals.values()) { this.evaluate(ve); this.writer.markOnly(ve.v.id); }
  }

  private makeMaintenance(c: Config): Maintenance | undefined {
    const dir = c.global.maintenancedir;
    if (!dir) return undefined;
    return new Maintenance(dir, {
      clock: this.deps.clock,
      readdir: this.deps.fs ? (d) => this.deps.fs!.readdir(d) : (d) => fsp.readdir(d),
      reverse: this.deps.reverse ?? dnsReverse,
      rdnsTtlMs: this.deps.options?.rdnsTtlMs ?? 600_000,
    });
  }

  /**
   * syncProbes starts new probes and stops unused ones. New probes are spread over a window that
   * keeps their first round at START_RATE checks/s (never longer than their interval).
   */
  private syncProbes(before: Set<string>): void {
    const probes = this.table.probes;
    for (const k of before) if (!probes.has(k)) this.scheduler.remove(k);
    let added = 0;
    for (const k of probes.keys()) if (!this.scheduler.has(k)) added++;
    const spread = spreadFor(added);
    for (const [k, list] of probes) {
      if (this.scheduler.has(k)) continue;
      const kind = list[0]!.probe.spec.kind;
      // on/off answer instantly: no reason to delay them (the original forces them at start).
      const first = kind === 'on' || kind === 'off' ? 0 : this.deps.options?.firstDelayMs;
      this.scheduler.add(list[0]!.probe, first, spread);
    }
  }

  private async run(spec: CheckSpec, signal: AbortSignal, limit: TimeLimit): Promise<CheckResult & { forced?: boolean }> {
    if (this.maintenance) {
      // A fwmark virtual (protocol fwm, and only it) names its reals' maintenance files without a port.
      const port = spec.protocol === 'fwm' ? 0 : spec.realPort;
      const hit = await this.maintenance.check(spec.family, spec.realAddress, port);
      if (hit) return { up: false, message: MAINTENANCE_MESSAGE, durationMs: 0, forced: true };
    }
    // The scheduler owns the time limit (its heap aborts `signal` at it and keeps the grace) and
    // its start reading: runCheck reads the clock once per check and arms no timer.
    return this.deps.runCheck(spec, signal, { hostname: this.hostname, limit });
  }

  private onResult(probeKey: string, r: ProbeResult): void {
    const list = this.table.probes.get(probeKey);
    if (!list) return;
    const now = this.wallOffset + r.finishedAt;
    const ev: HealthEvent = r.forced ? (r.up ? FORCE_UP : FORCE_DOWN) : (r.up ? CHECK_UP : CHECK_DOWN);
    if (this.deps.logger.debugEnabled?.()) this.deps.logger.debug(checkLine(list[0]!.probe.spec, r), 2);
    const observe = this.deps.options?.onCheckDone;
    if (observe) observe(r.kind === 'connect' ? 'connect' : checkName(list[0]!.probe.spec), r.durationMs);
    for (const e of list) this.apply(e, ev, r, now);
    if (this.status_ === 'starting') {
      // State flips after the writes of the first round went out, so their mails say "starting".
      void this.writer.idle().then(() => this.maybeRunning());
    }
  }

  /** apply steps one real's health with a result; runs for every check of every real (hot path). */
  private apply(e: RealEntry, ev: HealthEvent, r: ProbeResult, now: number): void {
    const v = e.v;
    // Mutated in place: 10k/s in the benchmark.
    if (e.last) { e.last.up = r.up; e.last.message = r.message; e.last.durationMs = r.durationMs; e.last.at = now; }
    else e.last = { up: r.up, message: r.message, durationMs: r.durationMs, at: now };
    if (r.up) e.consecutiveFailures = 0; else { e.consecutiveFailures++; e.failuresTotal++; }
    const res = step(e.health, ev, v);
    if (res.note === 'soft-failure') this.effects.softFailure(e, res.next.failcount);
    else if (res.note === 'reset-soft') this.effects.softReset(e);
    if (res.transition === 'down') e.addQuiesced = this.config.global.readdquiescent || e.health.health === 'unknown';
    if (res.transition) {
      e.since = now;
      e.transitionsTotal++;
      const first = e.health.health === 'unknown';
      if (!first || res.transition === 'down') this.deps.logger.info(stateChangeLine(e, res.transition, r, res.next.failcount, first));
    }
    e.health = res.next;
    if (e.drain && liftDrainOnPass(e, r)) {
      this.effects.drainLifted(e, r.message);
      this.writer.mark(v.id);
    }
    if (v.monitorfile && monitorLogs(r.forced ? 'maintenance' : e.probe.spec.kind, r.up)) {
      this.effects.monitor(v.monitorfile, now, e.realId, r.up, r.message);
    }
    // The virtual is evaluated in the next write pass, so results of one tick (e.g. one real
    // going down as another comes up) count as one change: no fallback flap in between.
    if (res.transition) this.writer.mark(v.id);
  }

  /** prepare: a write pass takes a marked virtual; it is evaluated then (see apply). */
  private prepare(id: string): Prepared<VirtualEntry> | undefined {
    const ve = this.table.virtuals.get(id);
    if (!ve) return undefined;
    this.evaluate(ve);
    const quiesced = quiescedToAdd(ve);
    return { subject: ve, desired: desiredOf(ve), written: () => quiescedWritten(quiesced, this.config.global.readdquiescent) };
  }

  /** evaluate recomputes fallback/quorum; runs fallbackcommand on transitions only. */
  private evaluate(ve: VirtualEntry): void {
    const prev = ve.vh;
    const vh = evalVirtual(prev, ve.reals.map((r) => ({ health: r.drain && r.health.health === 'up' ? 'down' : r.health.health, weight: r.real.weight })),
      { quorum: ve.v.quorum, hysteresis: ve.v.hysteresis, off: ve.v.checktype.kind === 'off' });
    if (vh === undefined) return;
    ve.vh = vh;
    if (ve.v.quorum !== undefined && prev && prev.quorumOk !== vh.quorumOk) this.effects.quorumChanged(ve.v, vh.quorumOk, vh.liveWeight);
    const want = vh.fallbackActive;
    if (want && ve.fbCmd !== true) this.effects.fallbackCommand(ve, true);
    else if (!want && ve.fbCmd === true) this.effects.fallbackCommand(ve, false);
  }

  private armTick(): void {
    const ms = this.deps.options?.tickMs ?? 1000;
    this.tickTimer = this.deps.clock.setTimeout(() => { void this.tick().finally(() => { if (this.tickTimer) this.armTick(); }); }, ms);
  }

  private syncWall(): void {
    this.wallOffset = this.deps.clock.now() - this.deps.clock.monotonic();
  }

  /** tick: email reminders, retries of failed writes, periodic drift correction. */
  private async tick(): Promise<void> {
    this.syncWall();
    this.alerts.tick(this.deps.clock.now());
    this.sync.tick(this.deps.clock.monotonic());
    this.writer.retry();
    const every = this.deps.options?.driftIntervalMs ?? 60_000;
    const now = this.deps.clock.monotonic();
    if (every > 0 && now - this.lastDrift >= every && this.status_ === 'running') {
      this.lastDrift = now;
      await this.writer.drift(ownedKeys(this.config), () => [...this.table.virtuals.values()].map((ve) => ({
        id: ve.v.id, keyStr: ve.keyStr, vstr: ve.vstr, desired: () => desiredOf(ve),
      })));
    }
  }
}

const CHECK_UP: HealthEvent = Object.freeze({ type: 'check', up: true });
const CHECK_DOWN: HealthEvent = Object.freeze({ type: 'check', up: false });
const FORCE_UP: HealthEvent = Object.freeze({ type: 'force', up: true });
const FORCE_DOWN: HealthEvent = Object.freeze({ type: 'force', up: false });

/** createDirector builds a director over `config`; nothing happens until start(). */
export function createDirector(config: Config, deps: DirectorDeps): Director & { idle(): Promise<void> } {
  return new DirectorEngine(config, deps);
}
