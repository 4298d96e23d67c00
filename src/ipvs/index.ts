/**
 * The IPVS driver's public surface. The director imports from here only.
 */
export type * from './types.js';
export { serviceKeyString } from './key.js';
export { openIpvs, NetlinkIpvs, describeKey, IPVS_UNAVAILABLE_MESSAGE, IPVS_PERMISSION_MESSAGE, type OpenIpvsOptions } from './handle.js';
export type { RawSocket, RawSocketEvents, RawSocketFactory } from './rawsocket.js';
export {
  renderList, renderSave, renderTimeouts, renderDaemons, readTable, largenum,
  type IpvsTableEntry, type ListView, type ListOptions,
} from './render.js';
