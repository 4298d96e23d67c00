import { serviceId } from '../util/address.js';
import type { ServiceKey } from './types.js';

/**
 * serviceKeyString renders a ServiceKey as a stable map key (`tcp:10.0.0.1:80`,
 * `udp:[2001:db8::1]:53`, `fwm:7`, `fwm6:7`): the same form as the config's virtual ids.
 */
export function serviceKeyString(k: ServiceKey): string {
  return serviceId(k);
}
