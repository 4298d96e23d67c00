/**
 * pgFrameInspector follows the framing of a PostgreSQL backend stream (type byte, int32 length
 * that counts itself, body) and rejects, before pg-protocol sees them, the messages its parser
 * cannot survive: a length below 4, and an ErrorResponse/NoticeResponse ('E'/'N') whose fields
 * are not NUL-terminated inside the message. For the latter, pg-protocol 1.16 keeps reading
 * field types past the end of the data, gets '' each time and never stops (a synchronous loop
 * that blocks the event loop for good).
 */

const HEADER = 5;
const FIELD_MESSAGES = new Set([0x45 /* E */, 0x4e /* N */]);

/** fieldsTerminated checks an E/N body: (type byte, cstring)* then a NUL type, all inside `body`. */
export function fieldsTerminated(body: Buffer): boolean {
  let pos = 0;
  while (pos < body.length) {
    if (body[pos] === 0) return true;
    const end = body.indexOf(0, pos + 1);
    if (end < 0) return false;
    pos = end + 1;
  }
  return false;
}

/** pgFrameInspector returns a function fed with each chunk in order; it returns why the stream is invalid, or undefined. */
export function pgFrameInspector(): (chunk: Buffer) => string | undefined {
  let header = Buffer.alloc(0);
  let type = 0;
  let remaining = 0;
  let body: Buffer[] | undefined;
  return (chunk) => {
    let off = 0;
    while (off < chunk.length) {
      if (remaining === 0 && header.length < HEADER) {
        const take = Math.min(HEADER - header.length, chunk.length - off);
        header = Buffer.concat([header, chunk.subarray(off, off + take)]);
        off += take;
        if (header.length < HEADER) break;
        type = header[0]!;
        const length = header.readUInt32BE(1);
        if (length < 4) return `invalid PostgreSQL message length ${length}`;
        remaining = length - 4;
        body = FIELD_MESSAGES.has(type) ? [] : undefined;
        if (remaining === 0) {
          if (body && !fieldsTerminated(Buffer.alloc(0))) return 'malformed PostgreSQL error/notice message';
          header = Buffer.alloc(0);
        }
        continue;
      }
      const take = Math.min(remaining, chunk.length - off);
      body?.push(chunk.subarray(off, off + take));
      off += take;
      remaining -= take;
      if (remaining === 0) {
        if (body && !fieldsTerminated(Buffer.concat(body))) return 'malformed PostgreSQL error/notice message';
        body = undefined;
        header = Buffer.alloc(0);
      }
    }
    return undefined;
  };
}
