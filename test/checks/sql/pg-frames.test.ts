// The PostgreSQL framing guard: valid streams pass whatever the chunking, the messages that
// pg-protocol cannot parse without looping or throwing are rejected.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fieldsTerminated, pgFrameInspector } from '../../../src/checks/sql/pg-frames.js';

const msg = (type: string, body: Buffer): Buffer => {
  const h = Buffer.alloc(5); h.write(type, 0, 'latin1'); h.writeUInt32BE(body.length + 4, 1);
  return Buffer.concat([h, body]);
};
const fields = (...f: string[]): Buffer => Buffer.from(`${f.map((x) => `${x}\0`).join('')}\0`, 'latin1');

const cases: Array<{ desc: string; stream: Buffer; bad?: RegExp }> = [
  { desc: 'auth ok + ready', stream: Buffer.concat([msg('R', Buffer.from('00000000', 'hex')), msg('Z', Buffer.from('I'))]) },
  { desc: 'a well-formed ErrorResponse', stream: msg('E', fields('SFATAL', 'C28P01', 'Mpassword authentication failed')) },
  { desc: 'a NoticeResponse with no fields', stream: msg('N', Buffer.of(0)) },
  { desc: 'an empty-bodied message of another type', stream: msg('I', Buffer.alloc(0)) },
  { desc: 'length below 4', stream: Buffer.from('4e00000000', 'hex'), bad: /invalid PostgreSQL message length 0/ },
  { desc: 'NoticeResponse without a terminator', stream: msg('N', Buffer.alloc(0)), bad: /malformed/ },
  { desc: 'ErrorResponse with an unterminated field', stream: msg('E', Buffer.from('Moops', 'latin1')), bad: /malformed/ },
  { desc: 'ErrorResponse with fields but no final NUL', stream: msg('E', Buffer.from('Moops\0', 'latin1')), bad: /malformed/ },
];

for (const c of cases) {
  for (const size of [1, 2, 3, 7, 1 << 16]) {
    test(`${c.desc}, chunks of ${size}`, () => {
      const inspect = pgFrameInspector();
      let bad: string | undefined;
      for (let off = 0; off < c.stream.length && bad === undefined; off += size) bad = inspect(c.stream.subarray(off, off + size));
      if (c.bad) assert.match(bad ?? '', c.bad);
      else assert.equal(bad, undefined);
    });
  }
}

test('fieldsTerminated', () => {
  assert.equal(fieldsTerminated(Buffer.of(0)), true);
  assert.equal(fieldsTerminated(Buffer.alloc(0)), false);
  assert.equal(fieldsTerminated(Buffer.from('Sx\0\0', 'latin1')), true);
  assert.equal(fieldsTerminated(Buffer.from('Sx\0', 'latin1')), false);
});
