/**
 * The director: check results in, IPVS changes out. It owns the per-(virtual, real) health
 * (state.ts), computes desired state (desired.ts), and lets the reconciler apply the diff.
 * Start adopts the kernel table without churn; reload keeps the health of unchanged reals and
 * writes only what changed; stop honours cleanstop per virtual.
 */
import { promises as fsp } from 'node:fs';
import { reverse as dnsReverse } from 'node:dns/promises';
import { hostname as osHostname, userInfo } from 'node:os';
import type { CheckResult, CheckSpec } from '../checks/types.js';
import type { Config, RealServer, VirtualService } from '../config/model.js';
import type { IpvsOp, ServiceKey } from '../ipvs/types.js';
import type { TimerHandle } from '../util/clock.js';
import { destKey } from './diff.js';
import { desiredFor, fallbackDest, realDest, serviceKeyOf, type DesiredService } from './desired.js';
import { Alerts, nodemailerSend } from './email.js';
import { describeOp } from './events.js';
import { fallbackArgv, spawnExec } from './exec.js';
import { Maintenance } from './maintenance.js';
import { monitorLine, monitorLogs } from './monitor.js';
import { Reconciler, opKey } from './reconciler.js';
import { serviceKeyString } from '../ipvs/key.js';
import { appendFailure, appendNoFollow } from '../util/append-no-follow.js';
import { Scheduler, spreadFor, type ProbeResult } from './scheduler.js';
import { hostPort, probeFor, realIdStr, realKey, virtualStr, type ProbeDef, type ReceiveMemo } from './spec.js';
import { ADOPTED, UNKNOWN, evalVirtual, step, type HealthEvent, type RealHealth, type VirtualHealth } from './state.js';
import type { DaemonStatus, Director, DirectorDeps, DirectorStatus, EngineFigures, RealStatus } from './types.js';
import { DrainList } from './drain.js';
import { DrainControl, drainMark, liftDrainOnPass, type RuntimeDrain } from './drain-control.js';
import { healthSnapshot, MAINTENANCE_MESSAGE, type HealthSnapshot } from './health.js';
import { checkLine, checkName, realInputs, stateChangeLine } from './real-entry.js';
import type { TextSink } from './exposition.js';
import { renderMetrics } from './metrics.js';
import { renderSyncMetrics } from './sync-metrics.js';
import { SyncDaemons } from './sync-daemon.js';

interface RealEntry {
  readonly key: string;
  readonly v: VirtualService;
  readonly real: RealServer;
  readonly probe: ProbeDef;
  readonly realId: string;
  health: RealHealth;
  /** A quiesced (weight 0) entry must be present even if missing: readdquiescent, or first answer. */
  addQuiesced: boolean;
  last?: { up: boolean; message: string; durationMs: number; at: number };
  /** Wall-clock ms of the last health change (health.ts shows it as "since"). */
  since: number;
  /** A runtime drain (drain.ts); `enabledAt` = monotonic time of `enable` (a later check lifts it). */
  drain?: RuntimeDrain;
  /** Metrics counters (metrics.ts): plain increments per check, carried across reloads. */
  failuresTotal: number;
  transitionsTotal: number;
  consecutiveFailures: number;
  metricLabels?: Buffer;
  metricKey?: string;
}

interface VirtualEntry {
  readonly v: VirtualService;
  readonly key: ServiceKey;
  readonly keyStr: string;
  readonly vstr: string;
  readonly reals: RealEntry[];
  vh: VirtualHealth | undefined;
  /** Last fallbackcommand sent: true = start, false = stop, undefined = none yet. */
  fbCmd: boolean | undefined;
  metricLabels?: Buffer;
}

/** DirectorEngine implements Director; `idle()` (tests) waits until pending writes are done. */
export class DirectorEngine implements Director {
  private config: Config;
  private state: DaemonStatus = 'stopped';
  private readonly reconciler: Reconciler;
  private readonly scheduler: Scheduler;
  private virtuals = new Map<string, VirtualEntry>();
  private subs = new Map<string, RealEntry[]>();
  private dirty = new Set<string>();
  private retry = new Set<string>();
  private removals: { key: ServiceKey; vstr: string }[] = [];
  private retryRemovals: { key: ServiceKey; vstr: string }[] = [];
  private flushing: Promise<void> | undefined;
  private tickTimer: TimerHandle | undefined;
  private lastDrift = 0;
  /**
   * wallOffset turns a monotonic reading into wall time (clock.now() - clock.monotonic()), taken
   * at start and on every tick: each result's wall time then costs no clock read of its own (a
   * syscall in the kernel lab, where clock_gettime has no vDSO).
   */
  private wallOffset = 0;
  private readonly monotonic = (): number => this.deps.clock.monotonic();
  private driftCorrections = 0;
  /** monitorfiles whose last write failed (their error is logged once). */
  private readonly monitorFailing = new Set<string>();
  private readonly alerts: Alerts;
  private maintenance: Maintenance | undefined;
  private readonly hostname: string;
  private readonly pid: number;
  private readonly drains: DrainList;
  private readonly drainControl: DrainControl;
  /** The kernel's connection-sync daemons (syncdaemon=); never stopped by us (sync-daemon.ts). */
  private readonly sync: SyncDaemons;

  constructor(config: Config, private readonly deps: DirectorDeps) {
    this.config = config;
    this.hostname = deps.hostname ?? osHostname();
    this.pid = deps.pid ?? process.pid;
    this.reconciler = new Reconciler(deps.ipvs, deps.logger);
    this.sync = new SyncDaemons(deps.ipvs, deps.logger);
    this.scheduler = new Scheduler({
      clock: deps.clock, maxChecks: config.global.maxchecks, random: deps.random,
      run: (spec, signal, startedAt) => this.run(spec, signal, startedAt),
      onResult: (key, r) => this.onResult(key, r),
      ...(deps.options?.onCheckStart ? { onStart: (_k: string, lag: number) => deps.options!.onCheckStart!(lag) } : {}),
    });
    let user = 'root';
    try { user = userInfo().username; } catch { /* no passwd entry: keep root */ }
    this.alerts = new Alerts({
      hostname: this.hostname, logger: deps.logger, send: deps.sendMail ?? nodemailerSend(),
      from: () => this.config.global.emailalertfrom ?? `${user}@${this.hostname}`,
      status: () => this.state,
    });
    this.maintenance = this.makeMaintenance(config);
    this.drains = new DrainList(deps.drainStore?.load() ?? []);
    this.drainControl = new DrainControl({
      list: this.drains, logger: deps.logger, clock: deps.clock, file: () => this.config.file,
      ...(deps.drainStore ? { store: deps.drainStore } : {}),
      entries: () => [...this.virtuals.values()].flatMap((ve) => ve.reals),
      changed: (id) => { this.dirty.add(id); this.kick(); },
    });
  }

  async start(): Promise<void> {
    this.state = 'starting';
    await this.reconciler.load(this.owned(this.config));
    this.build(this.config, new Map());
    this.adopt();
    for (const ve of this.virtuals.values()) { this.evaluate(ve); this.dirty.add(ve.v.id); }
    await this.writeNow();
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
    if (this.state !== 'starting') return;
    for (const ve of this.virtuals.values()) if (ve.vh === undefined) return;
    this.state = 'running';
  }

  async reload(config: Config): Promise<void> {
    // A reload during the first round must not end 'starting' (emailalertstatus, PR #760).
    const wasStarting = this.state === 'starting';
    this.state = 'reloading';
    const oldProbes = new Set(this.subs.keys());
    const old = new Map<string, RealEntry>();
    for (const ve of this.virtuals.values()) for (const r of ve.reals) old.set(r.key, r);
    const oldVirtuals = this.virtuals;
    const newOwned = this.owned(config);
    for (const ve of oldVirtuals.values()) {
      if (!newOwned.has(ve.keyStr)) this.removals.push({ key: ve.key, vstr: ve.vstr });
    }
    this.config = config;
    this.scheduler.setMaxChecks(config.global.maxchecks);
    this.maintenance = this.makeMaintenance(config);
    this.build(config, old, oldVirtuals);
    this.alerts.retain((v, rs) => {
      const ve = this.virtuals.get(v.id);
      const still = ve?.reals.some((r) => r.health.health === 'down' && hostPort(r.real.family, ...destAddr(ve.v, r.real)) === rs);
      return still ? ve!.v : undefined;
    });
    for (const ve of this.virtuals.values()) { this.evaluate(ve); this.dirty.add(ve.v.id); }
    await this.writeNow();
    await this.sync.configure(config.global.syncdaemon, this.monotonic());
    this.syncProbes(oldProbes);
    this.state = wasStarting ? 'starting' : 'running';
    this.maybeRunning();
  }

  async stop(): Promise<void> {
    this.state = 'stopping';
    this.scheduler.stop();
    if (this.tickTimer) this.deps.clock.clearTimeout(this.tickTimer);
    this.tickTimer = undefined;
    await this.idle();
    for (const ve of this.virtuals.values()) {
      // fallbackcommandonstop= (extension, ldirectord issue #750); the option overrides it in tests.
      const onStop = this.deps.options?.fallbackCommandOnStop ?? this.config.global.fallbackcommandonstop;
      if (onStop && ve.fbCmd !== true) this.fallbackCommand(ve, true);
      if (!ve.v.cleanstop) continue;
      const k = this.reconciler.kernel(ve.keyStr);
      if (!k) continue;
      // One virtual the kernel refuses (or a handle error) must not keep the others in the table.
      let res;
      try {
        res = await this.reconciler.sync([], [ve.key], 'stop: left in the table');
      } catch (e) {
        this.deps.logger.error(`Could not remove virtual server (stop): ${ve.vstr}: ${e instanceof Error ? e.message : String(e)}`);
        continue;
      }
      if (res.applied.length === 0) continue;
      // One log line per write (the e2e tests count them): the dests went with the service,
      // so they are mailed, as the original's per-real purges were, but not logged one by one.
      for (const d of k.dests.values()) {
        const rs = hostPort(d.family ?? ve.v.family, d.address, d.port);
        this.alerts.alert(ve.v, rs, ve.vstr, `Purged real server (stop): ${rs} (${ve.vstr})`, this.deps.clock.now(), false);
      }
      this.deps.logger.info(`Purged virtual server (stop): ${ve.vstr} (${k.dests.size} real server(s))`);
    }
    // The daemon exits right after stop: mails still being sent (the Purged ones) would be lost.
    if (!(await this.alerts.settle(this.deps.clock, STOP_MAIL_WAIT_MS))) {
      this.deps.logger.warn(`Gave up waiting for ${this.alerts.pending} alert mail(s) after ${STOP_MAIL_WAIT_MS / 1000} s at stop`);
    }
    this.state = 'stopped';
  }

  /** writeNow runs a write pass for what is dirty, serialised with the passes results trigger. */
  private async writeNow(): Promise<void> {
    await this.idle();
    this.kick();
    await this.idle();
  }

  /** idle resolves when no write pass is pending (tests, stop). */
  async idle(): Promise<void> {
    while (this.flushing) await this.flushing;
  }

  status(): DirectorStatus {
    const virtuals = [...this.virtuals.values()].map((ve) => {
      const k = this.reconciler.kernel(ve.keyStr);
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
      status: this.state,
      counters: {
        checksRun: this.scheduler.checksRun, ipvsWrites: this.reconciler.writes, ipvsErrors: this.reconciler.errors,
        driftCorrections: this.driftCorrections, probes: this.scheduler.size,
      },
      virtuals,
    };
  }

  /** health is the view `show` prints (health.ts); it costs only when asked for. */
  health(): HealthSnapshot {
    return { ...healthSnapshot({ config: this.config.name, file: this.config.file, pid: this.pid, status: this.state, now: this.deps.clock.now() },
      this.virtuals.values(), (k) => this.reconciler.kernel(k)), syncDaemons: this.sync.view() };
  }

  /** metrics writes one Prometheus scrape (metrics.ts); `figures` are the engine's own. */
  metrics(sink: TextSink, figures: EngineFigures): void {
    renderMetrics(sink, this.virtuals.values(), (k) => this.reconciler.kernel(k), {
      ...figures, writesByOp: this.reconciler.writesByOp, writeErrors: this.reconciler.errors,
      driftCorrections: this.driftCorrections, checksInFlight: this.scheduler.active, checksRun: this.scheduler.checksRun,
    });
    renderSyncMetrics(sink, this.sync.view());
  }

  /** drain and enable: `ldirectord <cfg> drain|enable REAL` (drain-control.ts). */
  drain(target: string, reason: string): Promise<string[]> { return this.drainControl.drain(target, reason); }
  enable(target: string): Promise<string[]> { return this.drainControl.enable(target); }

  private owned(c: Config): Set<string> {
    return new Set(c.virtuals.map((v) => desiredFor(v, [], undefined).keyStr));
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

  /** build (re)creates the entries of `c`, carrying the health of reals whose key is unchanged. */
  private build(c: Config, old: Map<string, RealEntry>, oldVirtuals?: Map<string, VirtualEntry>): void {
    const virtuals = new Map<string, VirtualEntry>();
    const subs = new Map<string, RealEntry[]>();
    const receives: ReceiveMemo = new Map();
    for (const v of c.virtuals) {
      const reals: RealEntry[] = v.reals.map((real) => {
        const key = realKey(v, real, c.global, receives);
        const prev = old.get(key);
        const probe = probeFor(v, real, c.global, receives);
        const e: RealEntry = {
          key, v, real, probe, realId: realIdStr(v, real),
          health: prev?.health ?? UNKNOWN, addQuiesced: prev?.addQuiesced ?? false,
          ...(prev?.last ? { last: prev.last } : {}),
          since: prev?.since ?? this.deps.clock.now(),
          failuresTotal: prev?.failuresTotal ?? 0, transitionsTotal: prev?.transitionsTotal ?? 0, consecutiveFailures: prev?.consecutiveFailures ?? 0,
        };
        const dm = drainMark(this.drains.find(v, real), prev?.drain);
        if (dm) e.drain = dm;
        const list = subs.get(probe.key);
        if (list) list.push(e); else subs.set(probe.key, [e]);
        return e;
      });
      const dk = desiredFor(v, [], undefined);
      const pv = oldVirtuals?.get(v.id);
      virtuals.set(v.id, { v, key: dk.key, keyStr: dk.keyStr, vstr: virtualStr(v), reals, vh: pv?.vh, fbCmd: pv?.fbCmd });
    }
    this.virtuals = virtuals;
    this.subs = subs;
  }

  /** adopt marks reals already serving in the kernel (weight > 0) as up: no remove-and-re-add. */
  private adopt(): void {
    for (const ve of this.virtuals.values()) {
      const k = this.reconciler.kernel(ve.keyStr);
      if (!k) continue;
      for (const r of ve.reals) {
        const kd = k.dests.get(destKey(realDest(ve.v, r.real, 0)));
        if (kd && kd.weight > 0) r.health = ADOPTED;
      }
    }
  }

  /**
   * syncProbes starts new probes and stops unused ones. New probes are spread over a window that
   * keeps their first round at START_RATE checks/s (never longer than their interval).
   */
  private syncProbes(before: Set<string>): void {
    for (const k of before) if (!this.subs.has(k)) this.scheduler.remove(k);
    let added = 0;
    for (const k of this.subs.keys()) if (!this.scheduler.has(k)) added++;
    const spread = spreadFor(added);
    for (const [k, list] of this.subs) {
      if (this.scheduler.has(k)) continue;
      const kind = list[0]!.probe.spec.kind;
      // on/off answer instantly: no reason to delay them (the original forces them at start).
      const first = kind === 'on' || kind === 'off' ? 0 : this.deps.options?.firstDelayMs;
      this.scheduler.add(list[0]!.probe, first, spread);
    }
  }

  private async run(spec: CheckSpec, signal: AbortSignal, startedAt: number): Promise<CheckResult & { forced?: boolean }> {
    if (this.maintenance) {
      const port = spec.fwmark !== undefined && spec.protocol === 'fwm' ? 0 : spec.realPort;
      const hit = await this.maintenance.check(spec.family, spec.realAddress, port);
      if (hit) return { up: false, message: MAINTENANCE_MESSAGE, durationMs: 0, forced: true };
    }
    // The scheduler's reading and clock, and its deadline: runCheck reads the clock once per
    // check and arms no timer (see CheckContext).
    return this.deps.runCheck(spec, signal, { hostname: this.hostname, startedAt, now: this.monotonic, deadlineByCaller: true });
  }

  private onResult(probeKey: string, r: ProbeResult): void {
    const list = this.subs.get(probeKey);
    if (!list) return;
    const now = this.wallOffset + r.finishedAt;
    const ev: HealthEvent = r.forced ? (r.up ? FORCE_UP : FORCE_DOWN) : (r.up ? CHECK_UP : CHECK_DOWN);
    if (this.deps.logger.debugEnabled?.()) this.deps.logger.debug(checkLine(list[0]!.probe.spec, r), 2);
    const observe = this.deps.options?.onCheckDone;
    if (observe) observe(r.kind === 'connect' ? 'connect' : checkName(list[0]!.probe.spec), r.durationMs);
    for (const e of list) this.apply(e, ev, r, now);
    this.afterResults();
  }

  private apply(e: RealEntry, ev: HealthEvent, r: ProbeResult, now: number): void {
    const v = e.v;
    // Mutated in place: this runs for every check of every real (10k/s in the benchmark).
    if (e.last) { e.last.up = r.up; e.last.message = r.message; e.last.durationMs = r.durationMs; e.last.at = now; }
    else e.last = { up: r.up, message: r.message, durationMs: r.durationMs, at: now };
    if (r.up) e.consecutiveFailures = 0; else { e.consecutiveFailures++; e.failuresTotal++; }
    const res = step(e.health, ev, v);
    if (res.note === 'soft-failure') {
      this.deps.logger.info(`Soft failure real server: ${hostPort(e.real.family, e.real.address, e.real.port)} (${v.id}) failure ${res.next.failcount}/${v.failurecount}`);
    } else if (res.note === 'reset-soft') {
      this.deps.logger.info(`Resetting soft failure count: ${hostPort(e.real.family, e.real.address, e.real.port)} (${v.id})`);
    }
    if (res.transition === 'down') e.addQuiesced = this.config.global.readdquiescent || e.health.health === 'unknown';
    if (res.transition) {
      e.since = now;
      e.transitionsTotal++;
      const first = e.health.health === 'unknown';
      if (!first || res.transition === 'down') this.deps.logger.info(stateChangeLine(e, res.transition, r, res.next.failcount, first));
    }
    e.health = res.next;
    if (e.drain && liftDrainOnPass(e, r)) {
      this.deps.logger.info(`Enabled real server: ${hostPort(e.real.family, e.real.address, e.real.port)} (${v.id}) after a passing check: ${r.message}`);
      this.dirty.add(v.id); this.kick();
    }
    if (v.monitorfile && monitorLogs(r.forced ? 'maintenance' : e.probe.spec.kind, r.up)) {
      const line = monitorLine(now, this.pid, e.realId, r.up, r.message);
      // Never through a symlink planted where the monitorfile goes (O_NOFOLLOW; util/append-no-follow.ts).
      const append = this.deps.fs ? this.deps.fs.appendFile(v.monitorfile, line) : appendNoFollow(v.monitorfile, line);
      const file = v.monitorfile;
      // Logged once per outage, not once per check (thousands of lines a minute otherwise).
      append.then(() => {
        if (this.monitorFailing.delete(file)) this.deps.logger.info(`Writing to monitorfile '${file}' again`);
      }, (err: unknown) => {
        if (this.monitorFailing.has(file)) return;
        this.monitorFailing.add(file);
        this.deps.logger.error(`Error writing to monitorfile '${file}': ${appendFailure(err)}`);
      });
    }
    // The virtual is evaluated in the next write pass, so results of one tick (e.g. one real
    // going down as another comes up) count as one change: no fallback flap in between.
    if (res.transition) { this.dirty.add(v.id); this.kick(); }
  }

  private afterResults(): void {
    if (this.state !== 'starting') return;
    // State flips after the writes of the first round went out, so their mails say "starting".
    void this.idle().then(() => this.maybeRunning());
  }

  /** evaluate recomputes fallback/quorum; runs fallbackcommand on transitions only. */
  private evaluate(ve: VirtualEntry): void {
    const prev = ve.vh;
    const vh = evalVirtual(prev, ve.reals.map((r) => ({ health: r.drain && r.health.health === 'up' ? 'down' : r.health.health, weight: r.real.weight })),
      { quorum: ve.v.quorum, hysteresis: ve.v.hysteresis, off: ve.v.checktype.kind === 'off' });
    if (vh === undefined) return;
    ve.vh = vh;
    if (ve.v.quorum !== undefined && prev && prev.quorumOk !== vh.quorumOk) {
      this.deps.logger.warn(`Quorum ${vh.quorumOk ? 'up' : 'lost'} for ${ve.v.id}: live weight ${vh.liveWeight}, quorum ${ve.v.quorum} ±${ve.v.hysteresis}`);
    }
    const want = vh.fallbackActive;
    if (want && ve.fbCmd !== true) this.fallbackCommand(ve, true);
    else if (!want && ve.fbCmd === true) this.fallbackCommand(ve, false);
  }

  /** fallbackCommand runs `<cmd> start|stop <vip:vport | fwmark> <tcp|udp|fwm>` (fixes `:0 fwm`). */
  private fallbackCommand(ve: VirtualEntry, start: boolean): void {
    ve.fbCmd = start;
    const cmd = ve.v.fallbackcommand;
    if (!cmd) return;
    const target = ve.v.protocol === 'fwm' ? String(ve.v.fwmark) : hostPort(ve.v.family, ve.v.address ?? '', ve.v.port);
    const args = [start ? 'start' : 'stop', target, ve.v.protocol];
    const line = `${cmd} ${args.join(' ')}`;
    this.deps.logger.info(`Running fallbackcommand: ${line}`);
    (this.deps.exec ?? spawnExec)(fallbackArgv(cmd, args)).then((code) => {
      if (code !== 0) this.deps.logger.error(`fallbackcommand exited with ${code}: ${line}`);
    }, (err: unknown) => this.deps.logger.error(`fallbackcommand failed: ${String(err)}`));
  }

  /** kick schedules a write pass after the current I/O phase (setImmediate coalesces its results). */
  private kick(): void {
    // After stop began, nothing may re-add what stop is removing (a late result, a drift pass).
    if (this.flushing || this.state === 'stopping' || this.state === 'stopped') return;
    this.flushing = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.flush())
      .finally(() => { this.flushing = undefined; });
  }

  /** flush writes every dirty virtual; changes that arrive meanwhile are taken by the next loop. */
  private async flush(): Promise<void> {
    while (this.dirty.size > 0 || this.removals.length > 0) {
      const ids = [...this.dirty];
      this.dirty.clear();
      const removals = this.removals;
      this.removals = [];
      const desired: DesiredService[] = [];
      const byKey = new Map<string, VirtualEntry>();
      // The quiesced entries this pass must add (as the pass computes them: a real that goes down
      // while the pass is in flight is not written by it).
      const quiesced = new Map<string, RealEntry[]>();
      for (const id of ids) {
        const ve = this.virtuals.get(id);
        if (!ve) continue;
        this.evaluate(ve);
        desired.push(desiredFor(ve.v, realInputs(ve.reals), ve.vh));
        byKey.set(ve.keyStr, ve);
        quiesced.set(ve.keyStr, ve.reals.filter((r) => r.addQuiesced && r.health.health === 'down'));
      }
      let res;
      try {
        res = await this.reconciler.sync(desired, removals.map((r) => r.key));
      } catch (e) {
        // The handle itself failed (reads or the socket): keep everything for the next tick.
        this.deps.logger.error(`ipvs sync failed: ${e instanceof Error ? e.message : String(e)} (will retry)`);
        for (const id of ids) this.retry.add(id);
        this.retryRemovals.push(...removals);
        return;
      }
      this.report(res.applied, byKey, removals);
      const failed = new Set(res.failed.map((f) => serviceKeyString(opKey(f.op))));
      for (const [k, written] of quiesced) if (!failed.has(k)) this.quiescedWritten(written);
      for (const f of res.failed) {
        const ve = byKey.get(serviceKeyString(opKey(f.op)));
        // Retried by the next tick, not at once: a kernel that refuses now would make us spin.
        if (ve) this.retry.add(ve.v.id);
        else this.retryRemovals.push(...removals.filter((r) => sameKey(r.key, opKey(f.op))));
      }
    }
  }

  /**
   * quiescedWritten: with readdquiescent=no, a quiesced entry is added once (a real down from its
   * first check, as the original's start adds it at weight 0); after that an admin's `ipvsadm -d`
   * stands, and drift correction only fixes the entry while it is present (reference §4.5).
   */
  private quiescedWritten(written: readonly RealEntry[]): void {
    if (this.config.global.readdquiescent) return;
    // A real that came back meanwhile needs nothing: its flag is set anew when it next goes down.
    for (const r of written) if (r.health.health === 'down') r.addQuiesced = false;
  }

  private report(applied: readonly IpvsOp[], byKey: Map<string, VirtualEntry>, removals: { key: ServiceKey; vstr: string }[]): void {
    const tag = this.state === 'starting' ? 'start' : this.state === 'reloading' ? 'reload' : 'drift';
    const now = this.deps.clock.now();
    for (const op of applied) {
      const key = opKey(op);
      const ve = byKey.get(serviceKeyString(key));
      if (!ve) {
        const rm = removals.find((x) => sameKey(x.key, key));
        this.deps.logger.info(`Deleted virtual server: ${rm?.vstr ?? JSON.stringify(key)}`);
        continue;
      }
      const fb = ve.v.fallback ? destKey(fallbackDest(ve.v, ve.v.fallback)) : undefined;
      const realKeys = new Set(ve.reals.map((r) => destKey(realDest(ve.v, r.real, 0))));
      const ev = describeOp(op, ve.vstr, (k) => k === fb, (k) => realKeys.has(k), tag, destKey, ve.v.family);
      this.deps.logger[ev.level](ev.log);
      if (ev.mail && ev.real) this.alerts.alert(ve.v, ev.real, ve.vstr, ev.mail, now, ev.remind);
    }
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
    if (this.retry.size > 0 || this.retryRemovals.length > 0) {
      for (const id of this.retry) this.dirty.add(id);
      this.retry.clear();
      this.removals.push(...this.retryRemovals);
      this.retryRemovals = [];
      this.kick();
    }
    const every = this.deps.options?.driftIntervalMs ?? 60_000;
    const now = this.deps.clock.monotonic();
    if (every > 0 && now - this.lastDrift >= every && this.state === 'running') {
      this.lastDrift = now;
      // The re-read replaces the cached view, so it holds the write-pass slot: a pass running
      // meanwhile would be forgotten by the cache (a real added during the re-read, then downed,
      // stayed in the kernel). Results that arrive meanwhile go out in the pass that follows.
      while (this.flushing) await this.flushing;
      this.flushing = this.drift().then(() => this.flush()).finally(() => { this.flushing = undefined; });
      await this.flushing;
    }
  }

  /** drift re-reads the owned services and marks the virtuals another tool changed. */
  private async drift(): Promise<void> {
    try {
      const changed = new Set(await this.reconciler.refresh(this.owned(this.config)));
      for (const ve of this.virtuals.values()) {
        if (!changed.has(ve.keyStr)) continue;
        const d = desiredFor(ve.v, realInputs(ve.reals), ve.vh);
        const n = this.reconciler.plan([d]).length;
        if (n === 0) continue;
        this.driftCorrections += n;
        this.deps.logger.warn(`IPVS table drift on ${ve.vstr}: ${n} change(s) needed to restore it (changed by another tool)`);
        this.dirty.add(ve.v.id);
      }
    } catch (e) {
      this.deps.logger.error(`drift check failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
}

/** STOP_MAIL_WAIT_MS bounds how long stop waits for alert mails (SMTP: connect 10 s + greeting 10 s). */
const STOP_MAIL_WAIT_MS = 20_000;

const CHECK_UP: HealthEvent = Object.freeze({ type: 'check', up: true });
const CHECK_DOWN: HealthEvent = Object.freeze({ type: 'check', up: false });
const FORCE_UP: HealthEvent = Object.freeze({ type: 'force', up: true });
const FORCE_DOWN: HealthEvent = Object.freeze({ type: 'force', up: false });

/** destAddr is a real's address and port as the kernel holds them (what alerts name). */
function destAddr(v: VirtualService, r: RealServer): [string, number] {
  const d = realDest(v, r, 0);
  return [d.address, d.port];
}

function sameKey(a: ServiceKey, b: ServiceKey): boolean {
  return a.family === b.family && a.fwmark === b.fwmark && a.protocol === b.protocol && a.address === b.address && a.port === b.port;
}

/** createDirector builds a director over `config`; nothing happens until start(). */
export function createDirector(config: Config, deps: DirectorDeps): Director & { idle(): Promise<void> } {
  return new DirectorEngine(config, deps);
}
