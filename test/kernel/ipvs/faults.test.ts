/**
 * Netlink faults under a running director, in the real kernel (issue 15): the director drives the
 * real netlink handle, whose raw socket is wrapped to inject what the kernel or the addon can do
 * to it: an error on the socket (ENOBUFS sets sk_err), replies that never come (a stall), and the
 * socket closed under the daemon. After each fault the director must log it, keep running and
 * reconverge: the real ipvsadm shows the table the checks call for.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createDirector, type Director } from '../../../src/director/index.js';
import { openIpvs, type NetlinkIpvs } from '../../../src/ipvs/index.js';
import { netlinkPackageSocket, type RawSocket, type RawSocketFactory } from '../../../src/ipvs/rawsocket.js';
import { systemClock } from '../../../src/util/clock.js';
import { memoryLogger } from '../../../src/util/log.js';
import { config, real, ScriptedCheck, virtual } from '../../director/helpers.js';
import { parseIpvsadmList } from '../../e2e-support/ipvs-table.js';
import { waitFor } from '../../e2e-support/wait.js';
import { assertInLab, ipvsadm } from '../support.js';

assertInLab();

/** Faults is the injection point: the next send's fate, and the socket currently open. */
class Faults {
  /** 'error': the socket reports an error right after the next send; 'drop': its replies are lost. */
  next: 'error' | 'drop' | undefined;
  current: RawSocket | undefined;
  opened = 0;

  factory: RawSocketFactory = async (events) => {
    let dropping = false;
    const sock = await netlinkPackageSocket({
      onMessage: (d) => { if (!dropping) events.onMessage(d); },
      onError: (e) => events.onError(e),
    });
    this.opened++;
    const wrapped: RawSocket = {
      send: (datagram, cb) => {
        const fault = this.next;
        this.next = undefined;
        if (fault === 'drop') dropping = true;
        sock.send(datagram, (err) => {
          cb(err);
          if (fault === 'error') queueMicrotask(() => events.onError(Object.assign(new Error('recvmsg: No buffer space available'), { code: 'ENOBUFS' })));
        });
      },
      close: () => sock.close(),
      ref: () => sock.ref(),
      unref: () => sock.unref(),
      setRecvBufferSize: (n) => sock.setRecvBufferSize(n),
    };
    this.current = wrapped;
    return wrapped;
  };
}

const VIPS = ['192.0.2.91', '192.0.2.92'];
const REALS = ['10.7.0.1', '10.7.0.2', '10.7.0.3'];
const faults = new Faults();
const logger = memoryLogger();
const clock = systemClock();
let handle: NetlinkIpvs;
let director: Director;
let check: ScriptedCheck;

/** table renders our two virtuals as the kernel holds them: "vip: real/weight ..." lines. */
function table(): string {
  const t = parseIpvsadmList(ipvsadm('-Ln'));
  return VIPS.map((v) => `${v}: ${[...(t.get(`TCP ${v}:80`) ?? new Map())].map(([a, d]) => `${a}/${d.weight}`).sort().join(' ')}`).join('\n');
}

function expected(down: ReadonlySet<string>): string {
  return VIPS.map((v) => `${v}: ${REALS.filter((r) => !down.has(r)).map((r) => `${r}:80/1`).join(' ')}`).join('\n');
}

async function converges(down: ReadonlySet<string>, what: string): Promise<void> {
  await waitFor(what, () => (table() === expected(down) ? true : undefined),
    { timeoutMs: 60_000, intervalMs: 100, describe: () => `${table()}\nlog:\n${logger.lines.slice(-10).join('\n')}` });
}

async function logged(re: RegExp): Promise<void> {
  await waitFor(`log line ${re}`, () => (logger.lines.some((l) => re.test(l)) ? true : undefined),
    { timeoutMs: 60_000, intervalMs: 50, describe: () => logger.lines.slice(-10).join('\n') });
}

before(async () => {
  ipvsadm('-C');
  // A short stall deadline, so the dropped-reply case is quick; the director retries every second.
  handle = await openIpvs({ socketFactory: faults.factory, timeoutMs: 1500, logger, clock });
  check = new ScriptedCheck(clock);
  const cfg = config(VIPS.map((v) => virtual(v, 80, REALS.map((r) => real(r)), { checkinterval: 1 })), { checkinterval: 1 });
  director = createDirector(cfg, { ipvs: handle, clock, logger, runCheck: check.fn, hostname: 'lab', pid: 1, sendMail: async () => {}, options: { driftIntervalMs: 0 } });
  await director.start();
  await converges(new Set(), 'the table is programmed');
});

after(async () => {
  await director?.stop();
  await handle?.close();
  ipvsadm('-C');
});

test('a socket error (ENOBUFS) during a write: logged, the socket reopened, the change applied', async () => {
  const opened = faults.opened;
  faults.next = 'error';
  check.health.set(REALS[0]!, false);
  await converges(new Set([REALS[0]!]), 'the failed real removed after the socket error');
  await logged(/netlink socket error: recvmsg: No buffer space available/);
  // The socket is replaced lazily, by the next request: the next change goes through a new one.
  check.health.set(REALS[0]!, true);
  await converges(new Set(), 'the real back through a new socket');
  assert.ok(faults.opened > opened, 'a new socket was opened');
});

test('replies that never come: the write times out, the socket is replaced, the change applied', async () => {
  const opened = faults.opened;
  faults.next = 'drop';
  check.health.set(REALS[0]!, false);
  // The kernel applies the write whose ACK is lost; the director sees a timeout and re-reads.
  await logged(/no reply from the kernel within 1500 ms/);
  await converges(new Set([REALS[0]!]), 'the real removed');
  check.health.set(REALS[0]!, true);
  await converges(new Set(), 'the real back through a new socket');
  assert.ok(faults.opened > opened, 'a new socket was opened');
});

test('the socket closed under the daemon: the next write reopens it and applies', async () => {
  faults.current!.close();
  check.health.set(REALS[1]!, false);
  check.health.set(REALS[2]!, false);
  await converges(new Set([REALS[1]!, REALS[2]!]), 'two reals removed after the close');
  check.health.set(REALS[1]!, true);
  check.health.set(REALS[2]!, true);
  await converges(new Set(), 'and back');
  assert.equal(director.status().status, 'running');
});
