import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { nodemailerSend, splitAddresses } from '../../src/director/email.js';

/** smtpSink is a minimal SMTP server on loopback that records envelopes. */
function smtpSink(): Promise<{ server: Server; port: number; rcpts: string[][]; data: string[] }> {
  const rcpts: string[][] = [];
  const data: string[] = [];
  const server = createServer((sock) => {
    let buf = '';
    let inData = false;
    let cur: string[] = [];
    let body = '';
    sock.write('220 sink ESMTP\r\n');
    sock.on('data', (d) => {
      buf += d.toString('latin1');
      let i;
      while ((i = buf.indexOf('\r\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 2);
        if (inData) {
          if (line === '.') { inData = false; data.push(body); rcpts.push(cur); cur = []; body = ''; sock.write('250 queued\r\n'); }
          else body += `${line}\n`;
          continue;
        }
        const cmd = line.slice(0, 4).toUpperCase();
        if (cmd === 'EHLO' || cmd === 'HELO') sock.write('250 sink\r\n');
        else if (cmd === 'MAIL') sock.write('250 ok\r\n');
        else if (cmd === 'RCPT') { cur.push(line.slice(8).trim()); sock.write('250 ok\r\n'); }
        else if (cmd === 'DATA') { inData = true; sock.write('354 go\r\n'); }
        else if (cmd === 'QUIT') { sock.end('221 bye\r\n'); }
        else if (cmd === 'RSET' || cmd === 'NOOP') sock.write('250 ok\r\n');
        else sock.write('502 no\r\n');
      }
    });
    sock.on('error', () => {});
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    const a = server.address();
    resolve({ server, port: typeof a === 'object' && a ? a.port : 0, rcpts, data });
  }));
}

test('smtp=: one RCPT per address (the original sent one RCPT with the raw list)', async (t) => {
  const sink = await smtpSink();
  t.after(() => sink.server.close());
  const send = nodemailerSend();
  await send({
    to: splitAddresses(['ops@example.test, oncall@example.test', 'boss@example.test']), from: 'lb@example.test',
    subject: '[web] Deleted real server: 10.1.0.1:80 (10.0.0.1:80)', text: 'ldirectord host: lb1\nLog-Message: x\nDaemon-Status: running\n',
    smtp: `127.0.0.1:${sink.port}`,
  });
  assert.deepEqual(sink.rcpts, [['<ops@example.test>', '<oncall@example.test>', '<boss@example.test>']]);
  assert.match(sink.data[0]!, /Subject: \[web\] Deleted real server: 10\.1\.0\.1:80 \(10\.0\.0\.1:80\)/);
  assert.match(sink.data[0]!, /Daemon-Status: running/);
});

test('no smtp= and no sendmail binary: the send fails (the director logs it)', async () => {
  const send = nodemailerSend({ sendmailPath: '/nonexistent/sendmail' });
  await assert.rejects(send({ to: ['a@x.test'], from: 'b@x.test', subject: 's', text: 't' }), /no smtp= server/);
});
