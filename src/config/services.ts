/**
 * A parser for /etc/services, used in place of getservbyname(3) so that service-name resolution
 * is explicit, testable (the path is injectable) and the same on every libc.
 */
import { readFile } from 'node:fs/promises';

/** Proto is the protocol column of /etc/services; '' means "any" (getservbyname(name, "")). */
export type Proto = 'tcp' | 'udp' | '';

/** ServiceTable answers name -> port, like getservbyname. */
export interface ServiceTable {
  port(name: string, proto: Proto): number | undefined;
}

/** parseServices reads the `name port/proto [aliases...]` lines; names and aliases both match. */
export function parseServices(text: string): ServiceTable {
  // First entry wins, as getservbyname returns the first matching line.
  const byProto = new Map<string, number>();
  const any = new Map<string, number>();
  for (const raw of text.split('\n')) {
    const fields = raw.replace(/#.*/, '').trim().split(/\s+/);
    if (fields.length < 2) continue;
    const [first, portProto, ...aliases] = fields;
    const m = /^(\d+)\/(\w+)$/.exec(portProto ?? '');
    if (!m || first === undefined) continue;
    const port = Number(m[1]);
    for (const name of [first, ...aliases]) {
      const key = `${name}/${m[2]}`;
      if (!byProto.has(key)) byProto.set(key, port);
      if (!any.has(name)) any.set(name, port);
    }
  }
  return {
    port: (name, proto) => (proto === '' ? any.get(name) : byProto.get(`${name}/${proto}`)),
  };
}

/** loadServices reads a services file; a missing file gives an empty table (names then fail). */
export async function loadServices(path: string): Promise<ServiceTable> {
  try {
    return parseServices(await readFile(path, 'utf8'));
  } catch {
    return parseServices('');
  }
}
