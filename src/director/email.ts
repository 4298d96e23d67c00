/**
 * Email alerts (ldirectord L4549-4734): a mail per real-server change, filtered by the
 * emailalertstatus bitmask, plus "Inaccessible real server" reminders every emailalertfreq
 * seconds while a real stays deleted or quiesced. Sent with nodemailer: through smtp= with one
 * RCPT per address (the original sent one RCPT holding the raw comma list), else through
 * /usr/sbin/sendmail when it exists.
 */
import { existsSync } from 'node:fs';
import type { VirtualService } from '../config/model.js';
import { EMAIL_STATUS_BITS } from '../config/model.js';
import type { Clock, TimerHandle } from '../util/clock.js';
import type { Logger } from '../util/log.js';
import { DaemonError } from '../util/errors.js';
import type { DaemonStatus, MailMessage } from './types.js';

/** alertBody is the original's body: host, log message, daemon status, then service details. */
export function alertBody(hostname: string, subject: string, status: DaemonStatus, v: VirtualService): string {
  let body = `ldirectord host: ${hostname}\nLog-Message: ${subject}\nDaemon-Status: ${status}\n`;
  let extra = '';
  if (v.servicename) extra += `Service name: ${v.servicename}\n`;
  if (v.comment) extra += `Comment: ${v.comment}\n`;
  if (extra) body += `\n${extra}\n`;
  return body;
}

/** splitAddresses turns the emailalert list into single addresses (commas and/or spaces). */
export function splitAddresses(list: readonly string[]): string[] {
  return list.flatMap((a) => a.split(/[,\s]+/)).map((a) => a.trim()).filter(Boolean);
}

export interface AlertsDeps {
  readonly hostname: string;
  readonly logger: Logger;
  readonly send: (m: MailMessage) => Promise<void>;
  readonly from: () => string;
  readonly status: () => DaemonStatus;
}

interface Reminder { v: VirtualService; real: string; since: number; last: number }

/** Alerts sends change mails and keeps reminder state per (real, virtual). */
export class Alerts {
  private reminders = new Map<string, Reminder>();
  private inflight = new Set<Promise<void>>();
  sent = 0;

  constructor(private readonly d: AlertsDeps) {}

  /**
   * alert mails `subject` for virtual v. `remind` = true for Deleted/Quiescent of a real (starts
   * reminders), false for Added/Restored/Purged (clears them), undefined for fallback changes.
   */
  alert(v: VirtualService, real: string, vstr: string, subject: string, nowMs: number, remind?: boolean): void {
    const id = `${real} (${vstr})`;
    if (remind === true && v.emailalertfreq > 0) this.reminders.set(id, { v, real, since: nowMs, last: nowMs });
    else if (remind === false) this.reminders.delete(id);
    this.send(v, subject);
  }

  /** tick sends due reminders ("Inaccessible real server: rip:port (vip:port)"). */
  tick(nowMs: number): void {
    for (const [id, r] of this.reminders) {
      if (nowMs - r.last >= r.v.emailalertfreq * 1000) {
        r.last = nowMs;
        this.send(r.v, `Inaccessible real server: ${id}`);
      }
    }
  }

  /**
   * retain carries reminders across a reload: `carry` returns the reloaded virtual for a reminder
   * whose real is still configured and down there, or undefined to drop it. A reload re-parses
   * the file, so every VirtualService is a new object even when nothing changed.
   */
  retain(carry: (v: VirtualService, real: string) => VirtualService | undefined): void {
    for (const [id, r] of this.reminders) {
      const next = carry(r.v, r.real);
      if (next && next.emailalertfreq > 0) r.v = next;
      else this.reminders.delete(id);
    }
  }

  private send(v: VirtualService, subject0: string): void {
    const status = this.d.status();
    const bit = status === 'stopped' ? 0 : EMAIL_STATUS_BITS[status];
    if ((v.emailalertstatus & bit) === 0) return;
    const to = splitAddresses(v.emailalert);
    if (to.length === 0) return;
    this.d.logger.info(`emailalert: ${subject0}`);
    const subject = v.servicename ? `[${v.servicename}] ${subject0}` : subject0;
    const msg: MailMessage = { to, from: this.d.from(), subject, text: alertBody(this.d.hostname, subject, status, v), smtp: v.smtp };
    this.sent++;
    let sending: Promise<void>;
    try { sending = this.d.send(msg); } catch (e) { sending = Promise.reject(e); }
    const done: Promise<void> = sending.catch((e: unknown) => {
      this.d.logger.error(`failed to send email message: ${e instanceof Error ? e.message : String(e)}`);
    }).then(() => { this.inflight.delete(done); });
    this.inflight.add(done);
  }

  /**
   * settle resolves true once every mail in flight is done, or false after `ms`: stop waits for
   * its Purged mails (the original sent synchronously), since the daemon exits right after.
   */
  async settle(clock: Clock, ms: number): Promise<boolean> {
    if (this.inflight.size === 0) return true;
    let timer: TimerHandle | undefined;
    const expired = new Promise<false>((resolve) => { timer = clock.setTimeout(() => resolve(false), ms); });
    const all = Promise.all([...this.inflight]).then(() => true as const);
    try { return await Promise.race([all, expired]); } finally { if (timer) clock.clearTimeout(timer); }
  }

  /** pending is the number of mails still being sent. */
  get pending(): number { return this.inflight.size; }
}

/** SENDMAIL is where the local MTA is looked for when no smtp= is set. */
export const SENDMAIL = '/usr/sbin/sendmail';

/**
 * nodemailerSend is the default transport: SMTP to `smtp` (host or host:port) with one RCPT
 * per address, or the local sendmail binary. Without either the mail is refused (logged).
 */
export function nodemailerSend(opts: { sendmailPath?: string } = {}): (m: MailMessage) => Promise<void> {
  const sendmail = opts.sendmailPath ?? SENDMAIL;
  return async (m) => {
    // Loaded on the first alert: most directors never mail, and start-up time matters (lab bench).
    const { createTransport } = await import('nodemailer');
    let transport;
    if (m.smtp) {
      const [host, port] = m.smtp.split(':');
      // Alerts must get out even to a bare MTA: STARTTLS when offered, never required.
      transport = createTransport({ host, port: port ? Number(port) : 25, secure: false, tls: { rejectUnauthorized: false }, connectionTimeout: 10000, greetingTimeout: 10000, socketTimeout: 20000 });
    } else if (existsSync(sendmail)) {
      transport = createTransport({ sendmail: true, path: sendmail, newline: 'unix' });
    } else {
      throw new DaemonError('LD_ERR_MAIL', `no smtp= server and no ${sendmail}`);
    }
    try {
      await transport.sendMail({ from: m.from, to: [...m.to], subject: m.subject, text: m.text, envelope: { from: m.from, to: [...m.to] } });
    } finally {
      transport.close();
    }
  };
}
