/**
 * After a daemon died without its cleanstop (kill -9, a crash the kernel killed), `stop` with
 * its stale pid file removes what that config owns, by the same rule as the daemon's own stop
 * (reference §4.6): every virtual with cleanstop=yes that is in the kernel is deleted, with its
 * real servers; cleanstop=no virtuals stay exactly as they are. A cluster manager's recovery
 * (monitor -> stop -> start elsewhere) then never leaves the dead daemon's services behind.
 * The Perl original left them.
 */
import type { Config } from '../config/model.js';
import { describeKey, serviceKeyString, type IpvsHandle } from '../ipvs/index.js';
import { serviceKeyOf } from './desired.js';
import { deleteService } from './diff.js';

/** StaleCleanup: the virtuals removed, and those the kernel refused (with its error). */
export interface StaleCleanup {
  readonly removed: readonly string[];
  readonly failed: readonly { readonly virtual: string; readonly message: string }[];
}

/** removeOwnedServices deletes the config's cleanstop virtuals that are in the kernel table. */
export async function removeOwnedServices(config: Config, ipvs: IpvsHandle): Promise<StaleCleanup> {
  const present = new Set((await ipvs.listServices()).map((s) => serviceKeyString(s.key)));
  const keys = config.virtuals.filter((v) => v.cleanstop).map(serviceKeyOf)
    .filter((k, i, all) => present.has(serviceKeyString(k)) && all.findIndex((o) => serviceKeyString(o) === serviceKeyString(k)) === i);
  const results = await ipvs.apply(keys.map(deleteService));
  const removed: string[] = [];
  const failed: { virtual: string; message: string }[] = [];
  results.forEach((r, i) => {
    const virtual = describeKey(keys[i]!);
    if (r.ok) removed.push(virtual);
    else failed.push({ virtual, message: r.error.message });
  });
  return { removed, failed };
}
