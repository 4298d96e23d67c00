// The demo's guest half: runs as root INSIDE the kernel lab (scripts/demo.mjs boots it). It
// starts nginx and mail responders on loopback addresses, runs our ldirectord with copies of
// examples/www.cf and examples/mail.cf, and shows the kernel table (the real `ipvsadm -Ln`) while
// one web real fails and comes back, then stops both daemons and shows the table empty.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { killDaemon, ldirectord, ldirectordBin, PROJECT_ROOT } from '../dist/test/e2e-support/cli.js';
import { readLog } from '../dist/test/e2e-support/daemon-log.js';
import { clearTable, ipvsadmText, readTable } from '../dist/test/e2e-support/ipvs-table.js';
import { startResponders } from '../dist/test/e2e-support/mail-responder.js';
import { startNginx, writeTestPage } from '../dist/test/e2e-support/nginx.js';
import { sleep } from '../dist/test/e2e-support/wait.js';

const TTY = process.env.DEMO_TTY === '1';
const DIR = '/tmp/ldirectord-demo';
const CONF = join(DIR, 'conf');
const env = { confDir: CONF, pidDir: DIR };
const WEB = ['127.0.0.2', '127.0.0.3'];
const MAIL = ['127.0.0.11', '127.0.0.12'];
const T0 = Date.now();
const secs = () => ((Date.now() - T0) / 1000).toFixed(1).padStart(5);
const bold = (s) => (TTY ? `\x1b[1m${s}\x1b[0m` : s);

let phase = 'setting up';
const events = [];

/** note records a milestone: printed at once without a TTY, listed under the table with one. */
function note(s) {
  const line = `[${secs()} s] ${s}`;
  events.push(line);
  if (!TTY) console.log(line);
}

/** rewrite makes an example config run on this machine's loopback addresses, in the demo dir. */
function rewrite(text, pairs) {
  let out = text;
  for (const [from, to] of pairs) out = out.split(from).join(to);
  return out;
}

function prepareConfigs() {
  mkdirSync(CONF, { recursive: true });
  const www = rewrite(readFileSync(join(PROJECT_ROOT, 'examples/www.cf'), 'utf8'), [
    ['192.168.6.240', '127.0.0.240'], ['192.168.6.2:', `${WEB[0]}:`], ['192.168.6.3:', `${WEB[1]}:`],
    ['logfile="/var/log/ldirectord.log"', `logfile="${DIR}/www.log"`],
  ]);
  const mail = rewrite(readFileSync(join(PROJECT_ROOT, 'examples/mail.cf'), 'utf8'), [
    ['192.0.2.25', '127.0.0.25'], ['198.51.100.11', MAIL[0]], ['198.51.100.12', MAIL[1]],
    ['checkinterval=5', `checkinterval=1\nlogfile="${DIR}/mail.log"`],
    // Alerts would go to the local MTA; the demo has none running.
    ['emailalert=', '#emailalert='], ['emailalertstatus=', '#emailalertstatus='],
  ]);
  writeFileSync(join(CONF, 'www.cf'), www);
  writeFileSync(join(CONF, 'mail.cf'), mail);
}

/** showView runs `ldirectord www.cf show` (the daemon's own view: health, reason, since). */
let showText = '';
async function showView(label) {
  const r = await ldirectord(['www.cf', 'show'], env);
  const text = r.code === 0 ? r.stdout : `show exited ${r.code}: ${r.stderr}`;
  showText = `${bold(`ldirectord www.cf show (${label})`)}\n${text}`;
  if (!TTY) console.log(`--- ldirectord www.cf show at ${secs()} s (${label})\n${text.trimEnd()}`);
}

/** frame draws the table and recent events (TTY), or prints the table when it changed. */
let lastTable = '';
async function frame() {
  const table = await ipvsadmText().catch((e) => `ipvsadm failed: ${e.message}\n`);
  if (TTY) {
    const logs = [...readLog(join(DIR, 'www.log')), ...readLog(join(DIR, 'mail.log'))]
      .map((l) => l.replace(/^\[[^\]]*\|([^|]*)\|\d+\] /, '$1: ')).slice(-6);
    process.stdout.write(`\x1b[H\x1b[2J${bold(`ldirectord for Node.js - demo in the kernel lab   t=${secs()} s   ${phase}`)}\n\n`
      + `${table}\n${showText ? `${showText}\n` : ''}${bold('milestones')}\n${events.slice(-8).join('\n')}\n\n${bold('daemon log (last lines)')}\n${logs.join('\n')}\n`);
  } else if (table !== lastTable) {
    console.log(`--- ipvsadm -Ln at ${secs()} s (${phase})\n${table.trimEnd()}`);
  }
  lastTable = table;
}

async function waitTable(what, ok, timeoutMs = 60_000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const t = await readTable();
    if (ok(t)) return;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}:\n${await ipvsadmText()}`);
    await sleep(200);
  }
}

const weight = (t, svc, real) => t.get(svc)?.get(real)?.weight;
const WWW = 'TCP 127.0.0.240:80';

async function cli(args) {
  const r = await ldirectord(args, env);
  if (r.code !== 0) throw new Error(`ldirectord ${args.join(' ')} exited ${r.code}: ${r.stdout}${r.stderr}`);
}

async function main() {
  rmSync(DIR, { recursive: true, force: true });
  mkdirSync(DIR, { recursive: true });
  await clearTable();
  prepareConfigs();
  for (const a of WEB) writeTestPage(join(DIR, 'www', a));
  const nginx = await startNginx({ dir: join(DIR, 'nginx'), sites: WEB.map((a) => ({ address: a, port: 80, root: join(DIR, 'www', a) })) });
  const responders = await startResponders(MAIL.flatMap((address) => [
    { proto: 'smtp', address, port: 25 },
    { proto: 'pop', address, port: 110, login: 'monitor', passwd: 'monitor-password' },
    { proto: 'imap', address, port: 143, login: 'monitor', passwd: 'monitor-password' },
  ]));
  note(`real servers up: nginx on ${WEB.join(', ')} (:80); SMTP/POP3/IMAP responders on ${MAIL.join(', ')}`);
  note(`command: ${ldirectordBin().replace(PROJECT_ROOT, '')}; configs: examples/www.cf, examples/mail.cf on loopback addresses`);
  const view = setInterval(() => { void frame(); }, TTY ? 1000 : 250);
  try {
    phase = 'starting';
    await frame();
    await Promise.all([cli(['www.cf', 'start']), cli(['mail.cf', 'start'])]);
    note('ldirectord www.cf start, ldirectord mail.cf start: both daemons up');
    await waitTable('every real in the table', (t) => weight(t, WWW, `${WEB[0]}:80`) === 1 && weight(t, WWW, `${WEB[1]}:80`) === 1
      && [25, 110, 143].every((p) => MAIL.every((m) => weight(t, `TCP 127.0.0.25:${p}`, `${m}:${p}`) === 1)));
    note('all 8 reals are in the table (www: 2, mail: 3 services x 2)');
    phase = 'steady';
    await sleep(4000);

    phase = `failing ${WEB[1]}`;
    rmSync(join(DIR, 'www', WEB[1], '.testpage'));
    const failedAt = Date.now();
    note(`removed ${WEB[1]}'s .testpage (its check now gets 404)`);
    // www.cf has quiescent=yes: a failed real stays listed with weight 0.
    await waitTable('the failed real quiesced', (t) => weight(t, WWW, `${WEB[1]}:80`) === 0);
    note(`${WEB[1]} quiesced (weight 0, quiescent=yes) after ${((Date.now() - failedAt) / 1000).toFixed(1)} s`);
    await showView(`${WEB[1]} failing`);
    await sleep(4000);

    phase = `restoring ${WEB[1]}`;
    writeTestPage(join(DIR, 'www', WEB[1]));
    const backAt = Date.now();
    note(`restored ${WEB[1]}'s .testpage`);
    await waitTable('the real back', (t) => weight(t, WWW, `${WEB[1]}:80`) === 1);
    note(`${WEB[1]} back at weight 1 after ${((Date.now() - backAt) / 1000).toFixed(1)} s`);
    await showView(`${WEB[1]} back`);
    await sleep(4000);

    phase = 'stopping';
    await Promise.all([cli(['www.cf', 'stop']), cli(['mail.cf', 'stop'])]);
    const left = await readTable();
    note(`ldirectord www.cf stop, ldirectord mail.cf stop: ${left.size === 0 ? 'the table is empty (cleanstop)' : `${left.size} services left!`}`);
    phase = 'done';
    await frame();
    if (left.size !== 0) throw new Error('table not empty after stop');
  } finally {
    clearInterval(view);
    killDaemon(DIR, 'www.cf');
    killDaemon(DIR, 'mail.cf');
    await responders.close();
    await nginx.stop();
    await clearTable().catch(() => undefined);
  }
  if (TTY) {
    await frame();
    console.log(`\n${bold('demo finished')} in ${secs()} s. Timeline:\n${events.join('\n')}`);
  } else {
    console.log(`demo finished in ${secs()} s`);
  }
}

main().then(() => process.exit(0), (e) => {
  console.error(`demo failed: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
