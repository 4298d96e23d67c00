/**
 * A small SIP responder for the sip check tests, over UDP and TCP. It validates the OPTIONS
 * request line by line against ldirectord's format (reference §3.2) and the peer's real address,
 * answers `status` when the request is right and "400 Bad Request" when it is not, and keeps
 * every request and every problem it found for the test to assert on.
 */
import { startTcpServer, type TestServer } from '../../harness/index.js';
import { startUdpServer, type UdpServer } from '../dns/udp.js';

/** sipProblems lists what is wrong with `request` as sent from fromAddr:fromPort (empty = fine). */
export function sipProblems(request: string, login: string, fromAddr: string, fromPort: number): string[] {
  const problems: string[] = [];
  if (!request.endsWith('\r\n\r\n')) problems.push('request does not end with an empty CRLF line');
  const lines = request.split('\r\n');
  const want: Array<RegExp> = [
    new RegExp(`^OPTIONS sip:${esc(login)} SIP/2\\.0$`),
    new RegExp(`^Via: SIP/2\\.0/UDP ${esc(fromAddr.includes(':') ? `[${fromAddr}]` : fromAddr)}:${fromPort};branch=z9hG4bKhjhs8ass877$`),
    /^Max-Forwards: 70$/,
    new RegExp(`^To: <sip:${esc(login)}>$`),
    new RegExp(`^From: <sip:${esc(login)}>;tag=1928301774$`),
    /^Call-ID: [0-9a-f]{16}$/,
    /^CSeq: 63104 OPTIONS$/,
    new RegExp(`^Contact: <sip:${esc(login)}>$`),
    /^Accept: application\/sdp$/,
    /^Content-Length: 0$/,
  ];
  want.forEach((re, i) => { if (!re.test(lines[i] ?? '')) problems.push(`line ${i + 1} ${JSON.stringify(lines[i])} !~ ${re}`); });
  if (request.replace(/\r\n/g, '').includes('\n')) problems.push('bare LF in request');
  return problems;
}

function esc(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** SipResponder records requests and problems; `status` is the line answered to a good request. */
export interface SipResponder {
  readonly port: number;
  readonly requests: string[];
  readonly problems: string[];
  close(): Promise<void>;
}

function answer(request: string, status: string, login: string, addr: string, port: number, problems: string[]): string {
  const found = sipProblems(request, login, addr, port);
  problems.push(...found);
  const line = found.length === 0 ? status : 'SIP/2.0 400 Bad Request';
  const callId = /^Call-ID: (.*)$/m.exec(request)?.[1]?.replace(/\r$/, '') ?? '';
  return `${line}\r\nCall-ID: ${callId}\r\nCSeq: 63104 OPTIONS\r\nContent-Length: 0\r\n\r\n`;
}

/** startSipUdp answers each datagram once with `status` (validated as above). */
export async function startSipUdp(host: string, status: string, login: string): Promise<SipResponder> {
  const requests: string[] = [];
  const problems: string[] = [];
  const srv: UdpServer = await startUdpServer(host, 0, (msg, from) => {
    const req = msg.toString('latin1');
    requests.push(req);
    return Buffer.from(answer(req, status, login, from.address, from.port, problems), 'latin1');
  });
  return { port: srv.port, requests, problems, close: () => srv.close() };
}

/** startSipTcp reads one request up to its empty line, answers with `status` and keeps the connection open. */
export async function startSipTcp(host: string, status: string, login: string): Promise<SipResponder> {
  const requests: string[] = [];
  const problems: string[] = [];
  const srv: TestServer = await startTcpServer(host, 0, (s) => {
    let req = '';
    s.on('data', (d) => {
      req += d.toString('latin1');
      if (req.includes('\r\n\r\n')) {
        requests.push(req);
        s.write(answer(req, status, login, s.remoteAddress ?? '', s.remotePort ?? 0, problems));
        req = '';
      }
    });
  });
  return { port: srv.port, requests, problems, close: () => srv.close() };
}
