import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { runCheck, GRACE_MS } from '../../../src/checks/run.js';
import { externalArgs } from '../../../src/checks/external.js';
import { KILL_GRACE_MS } from '../../../src/checks/lib/exec.js';
import { makeSpec, makeTempDir, type TempDir } from '../../harness/index.js';

function processAlive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch { return false; }
}

async function waitGone(pid: number, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) { if (!processAlive(pid)) return true; await new Promise((r) => setTimeout(r, 50)); }
  return !processAlive(pid);
}

describe('external argument vector', () => {
  const cases = [
    { desc: 'virtual address and port, real address and port', spec: makeSpec({ virtualAddress: '10.1.1.1', virtualPort: 80, realAddress: '127.0.5.3', realPort: 8080 }), want: ['10.1.1.1', '80', '127.0.5.3', '8080'] },
    { desc: 'fwmark virtual: mark and 0', spec: makeSpec({ virtualAddress: undefined, fwmark: 42, virtualPort: 0, realAddress: '127.0.5.3', realPort: 80 }), want: ['42', '0', '127.0.5.3', '80'] },
    { desc: 'IPv6 addresses bracketed as ldirectord stores them', spec: makeSpec({ family: 6, virtualAddress: 'fd00::1', virtualPort: 443, realAddress: '::1', realPort: 0 }), want: ['[fd00::1]', '443', '[::1]', '0'] },
  ];
  for (const c of cases) it(c.desc, () => assert.deepEqual(externalArgs(c.spec), c.want));
});

describe('external and external-perl checks run real processes', () => {
  let dir: TempDir;
  const script = (name: string, body: string): string => {
    const p = dir.join(name);
    writeFileSync(p, body);
    chmodSync(p, 0o755);
    return p;
  };
  before(() => { dir = makeTempDir('ext'); });
  after(() => dir?.remove());

  it('exit 0 is up and the script receives the four arguments', async () => {
    const out = dir.join('args.txt');
    const cmd = script('ok.sh', `#!/bin/sh\nprintf '%s|' "$@" > ${out}\nexit 0\n`);
    const r = await runCheck(makeSpec({ kind: 'external', checkCommand: cmd, virtualAddress: '10.1.1.1', virtualPort: 80, realAddress: '127.0.5.3', realPort: 8080 }), new AbortController().signal);
    assert.deepEqual([r.up, r.message], [true, '-']);
    assert.equal(readFileSync(out, 'utf8'), '10.1.1.1|80|127.0.5.3|8080|');
  });

  it('fwmark virtuals pass <mark> 0 <rip> <rport>', async () => {
    const out = dir.join('fwm.txt');
    const cmd = script('fwm.sh', `#!/bin/sh\nprintf '%s|' "$@" > ${out}\n`);
    const r = await runCheck(makeSpec({ kind: 'external', protocol: 'fwm', checkCommand: cmd, virtualAddress: undefined, fwmark: 7, virtualPort: 0, realAddress: '127.0.5.4', realPort: 25 }), new AbortController().signal);
    assert.equal(r.up, true);
    assert.equal(readFileSync(out, 'utf8'), '7|0|127.0.5.4|25|');
  });

  it('no shell: metacharacters in arguments are not interpreted', async () => {
    const out = dir.join('meta.txt');
    const cmd = script('meta.sh', `#!/bin/sh\nprintf '%s' "$3" > ${out}\n`);
    const r = await runCheck(makeSpec({ kind: 'external', checkCommand: cmd, realAddress: '$(touch /tmp/ld-pwned);x' }), new AbortController().signal);
    assert.equal(r.up, true);
    assert.equal(readFileSync(out, 'utf8'), '$(touch /tmp/ld-pwned);x');
  });

  it('exit 1 is down with the status and first output line', async () => {
    const cmd = script('fail.sh', '#!/bin/sh\necho "backend says no"\nexit 1\n');
    const r = await runCheck(makeSpec({ kind: 'external', checkCommand: cmd }), new AbortController().signal);
    assert.deepEqual([r.up, r.message], [false, 'exit status 1: backend says no']);
  });

  it('a missing command is down, not a crash', async () => {
    const r = await runCheck(makeSpec({ kind: 'external', checkCommand: dir.join('nope') }), new AbortController().signal);
    assert.deepEqual([r.up, r.message], [false, 'cannot run: ENOENT']);
  });

  it('a script that sleeps forever is killed at the deadline, grandchildren too', async () => {
    const pidFile = dir.join('child.pid');
    // The shell traps TERM so only the later SIGKILL to the process group ends it.
    const cmd = script('hang.sh', `#!/bin/sh\ntrap '' TERM\nsleep 1000 &\necho $! > ${pidFile}\nwait\nsleep 1000\n`);
    const t0 = performance.now();
    const r = await runCheck(makeSpec({ kind: 'external', checkCommand: cmd, timeoutMs: 500 }), new AbortController().signal);
    const took = performance.now() - t0;
    assert.deepEqual([r.up, r.message], [false, 'timeout after 500 ms']);
    assert.ok(took < 500 + GRACE_MS + 1000, `took ${took}`);
    assert.ok(existsSync(pidFile));
    const grandchild = Number(readFileSync(pidFile, 'utf8'));
    assert.ok(await waitGone(grandchild, KILL_GRACE_MS + 3000), `sleep ${grandchild} still alive`);
  });

  const perlCases = [
    { desc: 'exit 0 is up', body: 'exit 0;', up: true },
    { desc: 'falling off the end is up', body: '1;', up: true },
    { desc: 'exit 2 is down', body: 'exit 2;', up: false },
    { desc: 'die is down', body: 'die "no backend\\n";', up: false },
    { desc: '@ARGV holds the four arguments', body: 'exit(($ARGV[0] eq "10.2.2.2" && $ARGV[1] eq "53" && $ARGV[2] eq "127.0.5.5" && $ARGV[3] eq "5353") ? 0 : 3);', up: true },
  ];
  for (const c of perlCases) {
    it(`external-perl: ${c.desc}`, async () => {
      const file = script(`p${perlCases.indexOf(c)}.pl`, `${c.body}\n`);
      const r = await runCheck(makeSpec({ kind: 'external-perl', checkCommand: file, virtualAddress: '10.2.2.2', virtualPort: 53, realAddress: '127.0.5.5', realPort: 5353 }), new AbortController().signal);
      assert.equal(r.up, c.up, r.message);
    });
  }

  it('external-perl: an endless loop is killed at the deadline', async () => {
    const file = script('loop.pl', '$SIG{TERM} = "IGNORE"; 1 while 1;\n');
    const t0 = performance.now();
    const r = await runCheck(makeSpec({ kind: 'external-perl', checkCommand: file, timeoutMs: 300 }), new AbortController().signal);
    assert.deepEqual([r.up, r.message], [false, 'timeout after 300 ms']);
    assert.ok(performance.now() - t0 < 300 + GRACE_MS + 1000);
  });
});
