/**
 * Helpers for the CLI tests: every test gets its own temp tree (conf/, run/, a log file) and
 * runs the BUILT command (bin/ldirectord -> dist/src/cli/main.js) with LDIRECTORD_CONFDIR and
 * LDIRECTORD_PIDDIR pointing into it. Every daemon a test starts is killed in `cleanup`, also
 * when the test failed.
 */
import { pollUntil } from '../harness/wait.js';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** ROOT is the checkout (dist/test/cli -> ../../..). */
export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/** BIN is the `ldirectord` command under test. */
export const BIN = join(ROOT, 'bin', 'ldirectord');

/** RunResult of one CLI invocation. */
export interface RunResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Sandbox is one test's private tree. */
export class Sandbox {
  readonly dir = mkdtempSync(join(tmpdir(), 'ld-cli-'));
  readonly conf = join(this.dir, 'conf');
  readonly run = join(this.dir, 'run');
  readonly log = join(this.dir, 'ldirectord.log');
  readonly extraPids = new Set<number>();
  readonly children = new Set<ChildProcess>();

  constructor() {
    mkdirSync(this.conf);
    mkdirSync(this.run);
  }

  /** env for the command: the sandbox's dirs, short bounds so a broken test fails fast. */
  env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
    return {
      ...process.env,
      LDIRECTORD_CONFDIR: this.conf,
      LDIRECTORD_PIDDIR: this.run,
      LDIRECTORD_STOP_TIMEOUT: '20',
      LDIRECTORD_START_TIMEOUT: '20',
      // These tests are about the lifecycle; the engine that drives IPVS has its own tests.
      LDIRECTORD_ENGINE: 'idle',
      ...extra,
    };
  }

  /** writeConfig writes conf/<name> with a logfile line into the sandbox unless given. */
  writeConfig(name: string, body: string, opts: { logfile?: string | null } = {}): string {
    const logLine = opts.logfile === null ? '' : `logfile="${opts.logfile ?? this.log}"\n`;
    const path = join(this.conf, name);
    writeFileSync(path, `${logLine}${body}`);
    return path;
  }

  pidFile(name: string): string {
    return join(this.run, `ldirectord.${name}.pid`);
  }

  readPid(name: string): number | undefined {
    try {
      return Number(readFileSync(this.pidFile(name), 'utf8').trim());
    } catch {
      return undefined;
    }
  }

  readLog(): string {
    return existsSync(this.log) ? readFileSync(this.log, 'utf8') : '';
  }

  /** ldirectord runs the command to completion (bounded: a hang fails the test, not the suite). */
  ldirectord(args: string[], opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number; cwd?: string; executable?: boolean; prefix?: readonly string[] } = {}): Promise<RunResult> {
    return new Promise((resolve) => {
      // executable: run bin/ldirectord itself (#!/usr/bin/env node), as an admin or the OCF agent does.
      // prefix: a command that runs it (e.g. in a mount namespace: `unshare -m sh -c '...; exec "$@"' sh`).
      const [cmd, cmdArgs] = opts.executable ? [BIN, args] : [process.execPath, [BIN, ...args]];
      const [file, argv] = opts.prefix?.length ? [opts.prefix[0]!, [...opts.prefix.slice(1), cmd, ...cmdArgs]] : [cmd, cmdArgs];
      const env = this.env(opts.env);
      const child = spawn(file, argv, {
        env, cwd: opts.cwd ?? this.dir, stdio: ['ignore', 'pipe', 'pipe'],
        timeout: opts.timeoutMs ?? 40_000, killSignal: 'SIGKILL',
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => { stdout += d; });
      child.stderr.on('data', (d) => { stderr += d; });
      child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
    });
  }

  /** spawnForeground starts a long-running foreground ldirectord (-d or supervised). */
  spawnForeground(args: string[], env: NodeJS.ProcessEnv = {}): ChildProcess & { out: () => string; err: () => string } {
    const child = spawn(process.execPath, [BIN, ...args], { env: this.env(env), cwd: this.dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => { stdout += d; });
    child.stderr!.on('data', (d) => { stderr += d; });
    this.children.add(child);
    return Object.assign(child, { out: () => stdout, err: () => stderr });
  }

  /** cleanup kills every daemon this sandbox knows of and removes the tree. */
  cleanup(): void {
    for (const c of this.children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    const pids = new Set(this.extraPids);
    try {
      for (const f of readdirSync(this.run).filter((n) => n.endsWith('.pid'))) {
        const pid = Number(readFileSync(join(this.run, f), 'utf8').trim());
        if (pid > 0) pids.add(pid);
      }
    } catch {
      // no run dir
    }
    for (const pid of pids) {
      // Only our own daemons: their command line points into this checkout's bin/ldirectord.
      try {
        if (readFileSync(`/proc/${pid}/cmdline`, 'latin1').includes('ldirectord')) process.kill(pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** BASIC is a minimal valid config body (no logfile line). */
export const BASIC = 'checkinterval=5\nvirtual=127.0.0.1:80\n\treal=127.0.0.2:80 gate\n\tservice=http\n\tchecktype=connect\n';

/** sleep for polling loops in tests. */
export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** waitFor polls `pred` until true or the deadline; returns the last value of pred. */
export function waitFor(pred: () => boolean, timeoutMs = 10_000, stepMs = 50): Promise<boolean> {
  return pollUntil(pred, timeoutMs, stepMs);
}

/** alive tells whether a pid exists and is not a zombie. */
export function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return !/\) Z /.test(stat);
  } catch {
    return false;
  }
}
