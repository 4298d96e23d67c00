import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import radius from 'radius';
import { authentic, check } from '../../../src/checks/radius.js';
import { makeTempDir, type ServerProcess } from '../../harness/index.js';
import { freeUdpPort, startUdpServer, type UdpServer } from '../dns/udp.js';
import { never, specFor } from '../../harness/index.js';
import { startFreeradius } from './freeradius.js';

const HOST = '127.0.7.3';
const SECRET = 'testing123';
const TIMEOUT = 900;
const MARGIN = 1500;

describe('radius check against freeradius', () => {
  const tmp = makeTempDir('radius');
  let server: ServerProcess | undefined;
  let port = 0;
  before(async () => {
    port = await freeUdpPort(HOST);
    server = await startFreeradius(tmp, { host: HOST, port, secret: SECRET, users: { alice: 'wonder land', bob: 'builder' } });
  });
  after(async () => { await server?.stop(); tmp.remove(); });

  const cases = [
    { desc: 'right user and password: Access-Accept', login: 'alice', passwd: 'wonder land', secret: SECRET, up: true, message: /Access-Accept/ },
    { desc: 'another user', login: 'bob', passwd: 'builder', secret: SECRET, up: true, message: /Access-Accept/ },
    { desc: 'bad password: Access-Reject', login: 'alice', passwd: 'wrong', secret: SECRET, up: false, message: /Access-Reject/ },
    { desc: 'unknown user: Access-Reject', login: 'mallory', passwd: 'x', secret: SECRET, up: false, message: /Access-Reject/ },
    // FreeRADIUS drops a request whose Message-Authenticator does not verify: silence, so timeout.
    { desc: 'wrong shared secret: no answer, timeout', login: 'alice', passwd: 'wonder land', secret: 'nottheone', up: false, message: /timeout after/ },
  ];
  for (const c of cases) {
    test(c.desc, async () => {
      const r = await check(specFor({ service: 'radius', protocol: 'udp', realAddress: HOST, checkPort: port, login: c.login, passwd: c.passwd, secret: c.secret, timeoutMs: 2000 }), never(), {});
      assert.equal(r.up, c.up, `${r.message}\n${server?.output().slice(-2000)}`);
      assert.match(r.message, c.message);
    });
  }

  test('server stopped: refused', async () => {
    await server?.stop();
    const r = await check(specFor({ service: 'radius', protocol: 'udp', realAddress: HOST, checkPort: port, login: 'alice', passwd: 'wonder land', secret: SECRET, timeoutMs: TIMEOUT }), never(), {});
    assert.equal(r.up, false);
    assert.match(r.message, /ECONNREFUSED/);
  });
});

describe('radius check against fake servers', () => {
  let silent: UdpServer | undefined;
  let forger: UdpServer | undefined;
  let honest: UdpServer | undefined;
  before(async () => {
    silent = await startUdpServer(HOST, 0, () => undefined);
    // Answers Access-Accept signed with another secret: must not count as up.
    forger = await startUdpServer(HOST, 0, (msg) => radius.encode({
      code: 'Access-Accept', secret: 'forged', identifier: msg[1]!, attributes: [],
    } as never));
    // A correct server: accept signed with the right secret, request authenticator included.
    honest = await startUdpServer(HOST, 0, (msg) => {
      const req = radius.decode({ packet: msg, secret: SECRET });
      const pw = req.attributes['User-Password'];
      const code = req.attributes['User-Name'] === 'carol' && pw === 'pw' ? 'Access-Accept' : 'Access-Reject';
      return encodeResponse(msg, code, SECRET);
    });
  });
  after(async () => { await silent?.close(); await forger?.close(); await honest?.close(); });

  for (const c of [
    { desc: 'silent server: down at the deadline', srv: () => silent!, message: /timeout after 900 ms/ },
    { desc: 'accept with a wrong Response-Authenticator is ignored', srv: () => forger!, message: /timeout after 900 ms/ },
  ]) {
    test(c.desc, async () => {
      const t0 = performance.now();
      const r = await check(specFor({ service: 'radius', protocol: 'udp', realAddress: HOST, checkPort: c.srv().port, login: 'carol', passwd: 'pw', secret: SECRET, timeoutMs: TIMEOUT }), never(), {});
      const took = performance.now() - t0;
      assert.equal(r.up, false);
      assert.match(r.message, c.message);
      assert.ok(took >= TIMEOUT - 50 && took < TIMEOUT + MARGIN, `took ${took} ms`);
      assert.ok(c.srv().received.length >= 2, 'the request is retransmitted within the deadline');
    });
  }

  test('request carries the attributes the original sent', async () => {
    const before = honest!.received.length;
    const r = await check(specFor({ service: 'radius', protocol: 'udp', realAddress: HOST, checkPort: honest!.port, login: 'carol', passwd: 'pw', secret: SECRET }), never(), {});
    assert.equal(r.up, true, r.message);
    const req = radius.decode({ packet: honest!.received[before]!, secret: SECRET });
    assert.equal(req.code, 'Access-Request');
    assert.equal(req.attributes['User-Name'], 'carol');
    assert.equal(req.attributes['User-Password'], 'pw');
    assert.equal(req.attributes['NAS-IP-Address'], '127.0.0.1');
    assert.ok(Buffer.isBuffer(req.attributes['Message-Authenticator']));
  });
});

/** encodeResponse signs a response to `request` (Response-Authenticator over the request's authenticator). */
function encodeResponse(request: Buffer, code: string, secret: string): Buffer {
  const r = radius as unknown as { encode_response(a: object): Buffer; decode(a: object): unknown };
  return r.encode_response({ packet: r.decode({ packet: request, secret }), code, secret });
}

test('authentic: Response-Authenticator and optional Message-Authenticator', async (t) => {
  const rad = radius as unknown as { encode(a: object): Buffer; encode_response(a: object): Buffer; decode(a: object): unknown };
  const request = rad.encode({ code: 'Access-Request', secret: SECRET, identifier: 9, add_message_authenticator: true, attributes: [['User-Name', 'u']] });
  const withMa = encodeResponse(request, 'Access-Accept', SECRET);
  const bareRequest = rad.encode({ code: 'Access-Request', secret: SECRET, identifier: 9, attributes: [['User-Name', 'u']] });
  const withoutMa = encodeResponse(bareRequest, 'Access-Accept', SECRET);
  const otherRequest = Buffer.from(request).fill(7, 4, 20);
  const tamperedMa = Buffer.from(withMa);
  tamperedMa[tamperedMa.length - 1]! ^= 1;
  const cases = [
    { desc: 'signed response with Message-Authenticator', req: request, res: withMa, secret: SECRET, want: true },
    { desc: 'Message-Authenticator flipped', req: request, res: tamperedMa, secret: SECRET, want: false },
    { desc: 'other secret', req: request, res: withMa, secret: 'other', want: false },
    { desc: 'truncated', req: request, res: withMa.subarray(0, 19), secret: SECRET, want: false },
    { desc: 'response to another request authenticator', req: otherRequest, res: withMa, secret: SECRET, want: false },
    { desc: 'no Message-Authenticator (pre-BlastRADIUS server)', req: bareRequest, res: withoutMa, secret: SECRET, want: true },
  ];
  for (const c of cases) await t.test(c.desc, () => assert.equal(authentic(c.req, c.res, c.secret), c.want));
  assert.equal(withoutMa.length, 20);
});
