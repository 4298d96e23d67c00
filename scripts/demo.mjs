// `npm run demo`: one command that shows ldirectord for Node.js driving a real IPVS table.
// On the host: checks root and the Debian packages (installs them with apt-get as root), builds
// if dist/ is missing, then boots the kernel lab (User-Mode Linux with IPVS, docs/kernel-lab.md)
// and runs scripts/demo-guest.mjs inside it; the guest's output streams to this terminal.
// `npm run demo -- --pair [--moved]`: the director pair instead (scripts/demo-pair-guest.mjs,
// docs/demo.md "Pair mode"): two heartbeat directors, a crash, the takeover, a connection kept.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
/** PACKAGES the demo needs on the host (the guest runs the host's binaries through hostfs). */
const pair = process.argv.includes('--pair');
const PACKAGES = ['user-mode-linux', 'kmod', 'ipvsadm', 'iproute2', 'nginx-light',
  // The pair: heartbeat with its resource agents, curl (the LAN's readiness check), and what builds our .deb.
  ...(pair ? ['heartbeat', 'resource-agents', 'curl', 'dpkg-dev', 'binutils', 'pandoc'] : [])];
const APT = `apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y ${PACKAGES.join(' ')}`;

function fail(msg) {
  console.error(`demo: ${msg}`);
  process.exit(1);
}

function missingPackages() {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Package} ${db:Status-Abbrev}\n', ...PACKAGES], { encoding: 'utf8' });
  if (r.error) fail(`cannot run dpkg-query (${r.error.message}): the demo needs Debian 12 or a derivative with ${PACKAGES.join(', ')}`);
  const installed = new Set(r.stdout.split('\n').filter((l) => / ii\s*$/.test(l)).map((l) => l.split(' ')[0]));
  return PACKAGES.filter((p) => !installed.has(p));
}

const isRoot = process.getuid?.() === 0;
const missing = missingPackages();
if (missing.length > 0) {
  if (!isRoot) fail(`missing Debian packages: ${missing.join(' ')}\nInstall them as root with:\n  ${APT}`);
  console.log(`demo: installing ${missing.join(' ')} (apt-get)`);
  for (const argv of [['update'], ['install', '-y', '-o', 'DPkg::Lock::Timeout=600', ...PACKAGES]]) {
    const r = spawnSync('apt-get', argv, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    if (r.status !== 0) fail(`apt-get ${argv[0]} failed; run it yourself:\n  ${APT}`);
  }
}
if (!isRoot) {
  fail('the demo must run as root: the kernel lab runs the host filesystem as root (hostfs) and\n'
    + 'ldirectord needs CAP_NET_ADMIN for IPVS. Run: sudo npm run demo');
}

const needed = ['dist/test/lab/lab.js', 'dist/src/cli/main.js', 'dist/test/e2e-support/cli.js', 'dist/test/kernel/e2e/pair-failover.js'];
if (needed.some((f) => !existsSync(`${root}${f}`))) {
  console.log('demo: building (npm run build)');
  spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
  // tsc exits non-zero on a type error elsewhere yet still emits; what matters is the output.
  const still = needed.filter((f) => !existsSync(`${root}${f}`));
  if (still.length) fail(`build did not produce ${still.join(', ')}`);
}

const { runInLab, labUnavailableReason } = await import(`${root}dist/test/lab/lab.js`);
const why = labUnavailableReason();
if (why) fail(`the kernel lab cannot run here: ${why}`);
// The pair installs our Debian package in the guest (test/kernel/cluster/package.ts): build it once.
const deb = pair ? (await import(`${root}dist/test/lab/deb-package.js`)).ensurePackage(root) : undefined;
const minutes = pair ? 30 : 5;
console.log('demo: booting the kernel lab (User-Mode Linux 6.1 with IPVS; about 3 s) ...');
const r = await runInLab({
  script: `exec node scripts/${pair ? 'demo-pair-guest' : 'demo-guest'}.mjs\n`,
  timeoutMs: minutes * 60_000,
  cwd: root,
  ...(pair ? { memMb: 1024 } : {}),
  env: {
    DEMO_TTY: process.stdout.isTTY ? '1' : '0',
    ...(pair ? { LDIRECTORD_DEB: deb, DEMO_PAIR_MODE: process.argv.includes('--moved') ? 'moved' : 'warm' } : {}),
  },
  onOutput: (s) => process.stdout.write(s),
});
if (r.timedOut) fail(`the demo timed out after ${minutes} minutes`);
if (r.code !== 0) {
  if (r.code === 125) console.error(r.console.slice(-3000));
  fail(`the demo failed (exit ${r.code}) after ${(r.durationMs / 1000).toFixed(1)} s`);
}
console.log(`demo: done in ${(r.durationMs / 1000).toFixed(1)} s (lab boot and power-off included). See docs/demo.md.`);
