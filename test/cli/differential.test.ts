// The action matrix side by side with the Perl original (Debian's /usr/sbin/ldirectord), for the
// states that need no IPVS: no daemon, a stale pid file, usage errors, a missing config. The
// original hard-codes /etc/ha.d and /var/run, so it runs in a private mount namespace with the
// sandbox's conf/ and run/ bind-mounted over them. Compared: exit code, stdout, stderr, and the
// log messages (without the `[ctime|name|pid]` prefix), after replacing the paths that differ.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BASIC, Sandbox, type RunResult } from './helpers.js';

const PERL = '/usr/sbin/ldirectord';
const root = process.getuid?.() === 0;

function perl(sb: Sandbox, args: string[]): Promise<RunResult> {
  // /var/log too: without a config the original logs to /var/log/ldirectord.log.
  const varlog = join(sb.dir, 'varlog');
  mkdirSync(varlog, { recursive: true });
  const script = `mount --bind "$1" /var/run && mount --bind "$2" /etc/ha.d && mount --bind "$4" /var/log && cd "$3" && shift 4 && exec ${PERL} "$@"`;
  return new Promise((resolve) => {
    const child = spawn('unshare', ['-m', 'sh', '-c', script, 'sh', sb.run, sb.conf, sb.dir, varlog, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000, killSignal: 'SIGKILL',
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** norm maps both implementations' paths onto placeholders. */
function norm(sb: Sandbox, s: string): string {
  return s
    .split(join(sb.conf, 'www')).join('<CONFIG>')
    .split('/etc/ha.d/www').join('<CONFIG>')
    .split(sb.pidFile('www')).join('<PIDFILE>')
    .split('/var/run/ldirectord.www.pid').join('<PIDFILE>');
}

function logMessages(sb: Sandbox, log: string): string[] {
  return log.split('\n').filter(Boolean)
    .map((l) => l.replace(/^\[[^\]]*\] /, '').trimEnd())
    .map((l) => l.replace(/^Invoking ldirectord invoked as: \S+/, 'Invoking ldirectord invoked as: <bin>'))
    .map((l) => norm(sb, l));
}

const cases: { desc: string; args: string[]; stale?: boolean; compareStderr?: boolean }[] = [
  { desc: 'status, stopped', args: ['www', 'status'], compareStderr: true },
  { desc: 'status, stale pid file', args: ['www', 'status'], stale: true, compareStderr: true },
  { desc: 'stop, stopped', args: ['www', 'stop'], compareStderr: true },
  { desc: 'stop, stale pid file', args: ['www', 'stop'], stale: true, compareStderr: true },
  { desc: 'try-restart, stopped', args: ['www', 'try-restart'], compareStderr: true },
  { desc: 'try-restart, stale pid file', args: ['www', 'try-restart'], stale: true, compareStderr: true },
  // Ours also prints "ldirectord is stopped for ..." on stderr (the original only logs it).
  { desc: 'reload, stopped', args: ['www', 'reload'] },
  { desc: 'force-reload, stale pid file', args: ['www', 'force-reload'], stale: true },
  { desc: 'missing config', args: ['nosuch', 'status'] },
  { desc: 'no arguments', args: [] },
  { desc: 'unknown action', args: ['www', 'bogus'] },
  { desc: 'unknown option', args: ['--bogus', 'www', 'status'] },
];

for (const c of cases) {
  test(`same as the Perl original: ${c.desc}`, { skip: !root || !existsSync(PERL) ? 'needs root and the ldirectord package' : false, timeout: 60_000 }, async () => {
    const ours = new Sandbox();
    const orig = new Sandbox();
    try {
      for (const sb of [ours, orig]) {
        sb.writeConfig('www', BASIC);
        if (c.stale) writeFileSync(sb.pidFile('www'), '999999999\n');
      }
      const a = await ours.ldirectord(c.args);
      const b = await perl(orig, c.args);
      assert.equal(a.code, b.code, `exit code; perl stderr: ${b.stderr}`);
      // Usage text differs in content (ours lists configtest); missing-config text is compared.
      if (a.code !== 255) {
        assert.equal(norm(ours, a.stdout), norm(orig, b.stdout), 'stdout');
        if (c.compareStderr || c.args[0] === 'nosuch') assert.equal(norm(ours, a.stderr), norm(orig, b.stderr), 'stderr');
        assert.deepEqual(logMessages(ours, ours.readLog()), logMessages(orig, orig.readLog()), 'log messages');
      }
      assert.equal(ours.readPid('www'), orig.readPid('www'), 'pid file left in the same state');
    } finally {
      ours.cleanup();
      orig.cleanup();
    }
  });
}
