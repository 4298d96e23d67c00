/**
 * The IPVS side of `stop` with a stale pid file (src/director/stale-cleanup.ts): open the kernel
 * handle, remove what the config owns, close. A kernel without IPVS holds no table, so there is
 * nothing to clean: that is success, not an error.
 */
import type { Config } from '../config/model.js';
import { removeOwnedServices, type StaleCleanup } from '../director/stale-cleanup.js';
import { openIpvs } from '../ipvs/index.js';
import { isLdError } from '../util/errors.js';

export type { StaleCleanup };

/** cleanupAfterDeadDaemon returns what was removed (nothing when the kernel has no IPVS). */
export async function cleanupAfterDeadDaemon(config: Config): Promise<StaleCleanup> {
  let ipvs;
  try {
    ipvs = await openIpvs();
  } catch (e) {
    if (isLdError(e, 'LD_ERR_IPVS_UNAVAILABLE')) return { removed: [], failed: [] };
    throw e;
  }
  try {
    return await removeOwnedServices(config, ipvs);
  } finally {
    await ipvs.close();
  }
}
