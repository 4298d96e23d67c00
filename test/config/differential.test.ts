// Differential test against the original: the Perl ldirectord's own read_config()/ld_setup()
// (via fixtures/perl-dump-gen.pl) and our loader must agree on every config both accept.
// Needs the Debian `ldirectord` package (listed in .ci/apt-packages.d/config.txt).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfigText, type VirtualService } from '../../src/config/index.js';

const ORIGINAL = '/usr/sbin/ldirectord';
const root = fileURLToPath(new URL('../../../', import.meta.url));
const R = '\treal=192.0.2.2:80 gate\n';

const CASES: { desc: string; cf: string }[] = [
  { desc: 'defaults', cf: `virtual=192.0.2.1:80\n${R}` },
  { desc: 'timeouts: global checktimeout', cf: `checktimeout=4\nvirtual=192.0.2.1:80\n${R}` },
  { desc: 'timeouts: global checktimeout + virtual negotiatetimeout', cf: `checktimeout=4\nvirtual=192.0.2.1:80\n${R}\tnegotiatetimeout=12\n` },
  { desc: 'timeouts: global negotiatetimeout + virtual checktimeout', cf: `negotiatetimeout=20\nvirtual=192.0.2.1:80\n${R}\tchecktimeout=7\n` },
  { desc: 'counts', cf: `failurecount=3\nvirtual=192.0.2.1:80\n${R}\tfailurecount=2\n\nvirtual=192.0.2.1:81\n${R}` },
  { desc: 'reals: ports, weights, forward methods, thresholds', cf: 'virtual=192.0.2.1:80\n\treal=192.0.2.2:8080 masq 5\n\treal=192.0.2.3 ipip 0\n\treal=192.0.2.4:http gate 3 l:10 u:100\n' },
  { desc: 'reals: per-real request without slash, comma form', cf: 'virtual=192.0.2.1:80\n\treal=192.0.2.2:80 gate 2 "check.html" "Test Page"\n\treal=192.0.2.3:80 gate "a.html","OK" u:9\n\trequest="index.html"\n\treceive="Welcome"\n' },
  { desc: 'range', cf: 'virtual=192.0.2.1:80\n\treal=192.0.2.10->192.0.2.13:80 gate 2\n' },
  { desc: 'udp by port 53 and by domain; service dns', cf: `virtual=192.0.2.1:53\n${R}\nvirtual=192.0.2.2:domain\n${R}\nvirtual=192.0.2.3:53\n${R}\tprotocol=tcp\n` },
  { desc: 'service defaults from ports', cf: [21, 25, 110, 143, 443, 3306, 5432, 8080].map((p) => `virtual=192.0.2.1:${p}\n${R}`).join('\n') },
  { desc: 'explicit ftp and sip login defaults; port-derived ftp keeps empty', cf: `virtual=192.0.2.1:2121\n${R}\tservice=ftp\n\nvirtual=192.0.2.1:5070\n${R}\tservice=sip\n\tprotocol=udp\n\nvirtual=192.0.2.1:21\n${R}` },
  { desc: 'checktypes incl. numbers and negotiate2', cf: ['connect', 'ping', 'external', 'off', 'on', '3', '0', 'negotiate2'].map((c, i) => `virtual=192.0.2.1:${9000 + i}\n${R}\tchecktype=${c}\n`).join('\n') },
  { desc: 'scheduler, persistence, netmask, httpmethod, virtualhost', cf: `virtual=192.0.2.1:80\n${R}\tscheduler=sh\n\tpersistent=300\n\tnetmask=255.255.255.0\n\thttpmethod=head\n\tvirtualhost=www.example.test\n\tlogin="u"\n\tpasswd="p"\n\tdatabase="d"\n\tsecret="s"\n\tcheckport=8080\n` },
  { desc: 'fwmark', cf: 'virtual=7\n\treal=192.0.2.2 gate\n\treal=192.0.2.3:80 masq\n' },
  { desc: 'IPv6', cf: 'virtual6=[2001:db8::1]:80\n\treal6=[2001:db8::2]:80 gate\n\treal6=[2001:db8::3] masq 4\n\tnetmask=64\n\tpersistent=60\n\nvirtual6=9\n\treal6=[2001:db8::5] gate\n' },
  { desc: 'per-virtual fallback', cf: `virtual=192.0.2.1:80\n${R}\tfallback=127.0.0.1\n\nvirtual=192.0.2.1:81\n${R}\tfallback=127.0.0.2:8081 masq\n` },
  { desc: 'comments and indentation', cf: `# head\nchecktimeout=3\nvirtual=192.0.2.1:80\n    real=192.0.2.2:80 gate\n# inside\n\t    scheduler=rr # trailing\n\nvirtual=192.0.2.1:81\n${R}` },
];

/** Normalised view both sides are reduced to. */
function ours(v: VirtualService) {
  return {
    id: v.id, service: v.service,
    checktype: v.checktype.kind === 'combined' ? `combined:${v.checktype.n}` : v.checktype.kind,
    scheduler: v.scheduler, request: v.request, receive: v.receive, login: v.login, passwd: v.passwd,
    database: v.database, secret: v.secret, httpmethod: v.httpmethod, virtualhost: v.virtualhost ?? null,
    checktimeout: v.checktimeout, negotiatetimeout: v.negotiatetimeout, failurecount: v.failurecount, checkcount: v.checkcount,
    checkport: v.checkport ?? null, persistent: v.persistent ?? null, netmask: v.netmask ?? null,
    reals: v.reals.map((r) => ({
      server: r.address, port: r.port, forward: r.forward, weight: r.weight,
      request: r.request ?? v.request, receive: r.request !== undefined ? r.receive : v.receive,
      l: r.lowerThreshold, u: r.upperThreshold,
    })),
    fallback: v.fallback ? { server: v.fallback.address, port: v.fallback.port, forward: v.fallback.forward } : null,
  };
}

type PerlReal = Record<string, string | number | undefined>;
type PerlVirtual = Record<string, unknown> & { real: PerlReal[]; fallback?: PerlReal };
const unbracket = (s: unknown): string => String(s).replace(/^\[(.*)\]$/, '$1');
const opt = (x: unknown): string | number | null => (x === undefined ? null : (x as string | number));

function perl(v: PerlVirtual) {
  const fam6 = v.addressfamily === 10;
  const id = v.protocol === 'fwm' ? `fwm${fam6 ? '6' : ''}:${v.fwm}` : `${v.protocol}:${fam6 ? `[${unbracket(v.server)}]` : v.server}:${v.port}`;
  return {
    id, service: v.service,
    checktype: v.checktype === 'combined' ? `combined:${v.num_connects}` : v.checktype,
    scheduler: v.scheduler, request: v.request, receive: v.receive, login: v.login, passwd: v.passwd,
    database: v.database, secret: v.secret, httpmethod: v.httpmethod, virtualhost: opt(v.virtualhost),
    checktimeout: Number(v.checktimeout), negotiatetimeout: Number(v.negotiatetimeout),
    failurecount: Number(v.failurecount), checkcount: Number(v.checkcount),
    checkport: v.checkport === undefined ? null : Number(v.checkport),
    persistent: v.persistent === undefined ? null : Number(v.persistent), netmask: v.netmask === undefined ? null : String(v.netmask),
    reals: v.real.map((r) => ({
      server: unbracket(r.server), port: Number(r.port), forward: r.forward, weight: Number(r.weight),
      request: r.request, receive: r.receive, l: Number(r['l-threshold'] ?? 0), u: Number(r['u-threshold'] ?? 0),
    })),
    fallback: v.fallback ? { server: unbracket(v.fallback.server), port: Number(v.fallback.port), forward: v.fallback.forward } : null,
  };
}

const haveOriginal = existsSync(ORIGINAL);

/** runPerl returns the original's parsed virtuals, or its exit status when it rejected the file. */
function runPerl(dumper: string, file: string): PerlVirtual[] | number {
  const r = spawnSync('perl', [dumper, file], { encoding: 'utf8', timeout: 20000 });
  return r.status === 0 ? JSON.parse(r.stdout) as PerlVirtual[] : r.status ?? -1;
}

// The fixed bugs of docs/compatibility.md, shown on the original itself.
const FIXED: { desc: string; cf: string; theirs: (p: PerlVirtual[] | number) => void; mine: (v: readonly VirtualService[]) => void }[] = [
  {
    desc: 'a.b.c.[x-y] became real 0.0.0.80 port 0', cf: 'virtual=192.0.2.1:80\n\treal=192.168.6.[2-3]:80 gate 2 ".testpage" "Test Page"\n',
    theirs: (p) => assert.deepEqual(typeof p === 'number' ? p : p[0]!.real.map((r) => [r.server, Number(r.port)]), [['0.0.0.80', 0]]),
    mine: () => assert.fail('must be rejected'),
  },
  {
    desc: 'a per-real request starting with / lost its receive', cf: 'virtual=192.0.2.1:80\n\treal=192.0.2.2:80 gate "/check.html" "OK"\n',
    theirs: (p) => assert.equal(typeof p === 'number' ? p : p[0]!.real[0]!.receive, ''),
    mine: (v) => assert.equal(v[0]!.reals[0]!.receive, 'OK'),
  },
  {
    desc: 'range across a digit-count boundary of the address integer (10^9)', cf: 'virtual=192.0.2.1:80\n\treal=59.154.201.254->59.154.202.1 gate\n',
    theirs: (p) => assert.equal(typeof p === 'number' ? p : p[0]!.real.length, 0),
    mine: (v) => assert.deepEqual(v[0]!.reals.map((r) => r.address), ['59.154.201.254', '59.154.201.255', '59.154.202.0', '59.154.202.1']),
  },
  {
    desc: 'a number in the receive string was taken as the weight', cf: 'virtual=192.0.2.1:80\n\treal=192.0.2.6:80 gate "check.html" "HTTP/1.1 200"\n',
    theirs: (p) => assert.equal(p, 2),
    mine: (v) => assert.deepEqual([v[0]!.reals[0]!.weight, v[0]!.reals[0]!.receive], [1, 'HTTP/1.1 200']),
  },
  {
    desc: '# inside quotes started a comment', cf: 'virtual=192.0.2.1:80\n\treal=192.0.2.2:80 gate\n\trequest="/a#b"\n',
    theirs: (p) => assert.equal(p, 2),
    mine: (v) => assert.equal(v[0]!.request, '/a#b'),
  },
  {
    desc: 'a bodiless last virtual= was a duplicate', cf: 'virtual=192.0.2.1:80\n\treal=192.0.2.2:80 gate\n\nvirtual=192.0.2.5:80\n',
    theirs: (p) => assert.equal(p, 2),
    mine: (v) => assert.equal(v.length, 2),
  },
];

test('differential: the original ldirectord parser and ours agree', { skip: haveOriginal ? false : `${ORIGINAL} not installed` }, async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'ldcfg-diff-'));
  try {
    const dumper = join(dir, 'dump.pl');
    await writeFile(dumper, execFileSync('perl', [join(root, 'test/config/fixtures/perl-dump-gen.pl'), ORIGINAL]));
    const examples = await Promise.all(['www.cf', 'mail.cf'].map(async (n) => ({
      desc: `examples/${n}`,
      // The original opens logfile= at parse time; keep it away from the test machine's /var/log.
      cf: (await readFile(join(root, 'examples', n), 'utf8')).replace(/^logfile=.*$/m, ''),
    })));
    for (const c of [...CASES, ...examples]) {
      await t.test(c.desc, async () => {
        const file = join(dir, 'case.cf');
        await writeFile(file, c.cf);
        const out = execFileSync('perl', [dumper, file], { encoding: 'utf8', timeout: 20000, stdio: ['ignore', 'pipe', 'pipe'] });
        const theirs = (JSON.parse(out) as PerlVirtual[]).map(perl);
        const r = await loadConfigText(c.cf, file, { hostname: 'lvs1' });
        if (!r.ok) assert.fail(r.diagnostics.map((d) => `${d.line}: ${d.message}`).join('\n'));
        assert.deepEqual(r.config.virtuals.map(ours), theirs);
      });
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('differential: the fixed bugs really are bugs of the original, and fixed here', { skip: haveOriginal ? false : `${ORIGINAL} not installed` }, async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'ldcfg-fixed-'));
  try {
    const dumper = join(dir, 'dump.pl');
    await writeFile(dumper, execFileSync('perl', [join(root, 'test/config/fixtures/perl-dump-gen.pl'), ORIGINAL]));
    for (const c of FIXED) {
      await t.test(c.desc, async () => {
        const file = join(dir, 'case.cf');
        await writeFile(file, c.cf);
        c.theirs(runPerl(dumper, file));
        const r = await loadConfigText(c.cf, file, { hostname: 'lvs1' });
        if (c.desc.startsWith('a.b.c.')) assert.equal(r.ok, false);
        else if (!r.ok) assert.fail(r.diagnostics.map((d) => `${d.line}: ${d.message}`).join('\n'));
        else c.mine(r.config.virtuals);
      });
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
