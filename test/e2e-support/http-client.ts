#!/usr/bin/env node
/**
 * http-client: a load client for the traffic end-to-end test, run inside the client's network
 * namespace (`ip netns exec <ns> node http-client.js <url> <seconds> <gapMs>`). It sends one
 * request at a time on a fresh connection (so IPVS schedules each one), each with a 1 s deadline,
 * until SIGTERM (or `seconds` as a safety limit), then prints one JSON object: every request's
 * start time (epoch ms), outcome and body. On stderr it reports progress as it goes, so the test
 * acts on what the client has seen rather than on a guess of how long node takes to start:
 * `first <body>` the first time a body is answered, `count <n>` every 10 requests.
 */
import { request } from 'node:http';
import { fileURLToPath } from 'node:url';

/** Sample is one request. */
export interface Sample {
  readonly t: number;
  readonly ok: boolean;
  readonly body: string;
  readonly ms: number;
}

/** once sends one request on a fresh connection with a 1 s deadline (never rejects). */
export function once(url: string): Promise<Sample> {
  const t = Date.now();
  return new Promise((resolve) => {
    let settled = false;
    const done = (ok: boolean, body: string): void => {
      if (settled) return;
      settled = true;
      resolve({ t, ok, body: body.trim().slice(0, 80), ms: Date.now() - t });
    };
    const req = request(url, { agent: false, timeout: 1000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => { body += d; });
      res.on('end', () => done(res.statusCode === 200, body));
      res.on('error', (e) => done(false, e.message));
    });
    req.on('timeout', () => { req.destroy(new Error('timeout')); });
    req.on('error', (e) => done(false, e.message));
    req.end();
  });
}

async function main(): Promise<void> {
  const [url = '', seconds = '120', gap = '20'] = process.argv.slice(2);
  const end = Date.now() + Number(seconds) * 1000;
  const samples: Sample[] = [];
  const seen = new Set<string>();
  let stop = false;
  process.on('SIGTERM', () => { stop = true; });
  while (!stop && Date.now() < end) {
    const s = await once(url);
    samples.push(s);
    if (s.ok && !seen.has(s.body)) { seen.add(s.body); process.stderr.write(`first ${s.body}\n`); }
    if (samples.length % 10 === 0) process.stderr.write(`count ${samples.length}\n`);
    await new Promise((r) => setTimeout(r, Number(gap)));
  }
  process.stdout.write(`${JSON.stringify(samples)}\n`);
}

// Also imported for once() by the pair client: run only as a program.
if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
