/**
 * Kernel errno -> IpvsError for IPVS replies. The texts follow ipvsadm's ipvs_strerror table,
 * so operators see the words they know from `ipvsadm` (libipvs.c, struct table[]).
 */
import { constants as os } from 'node:os';
import { IpvsError, type IpvsErrorCode } from '../util/errors.js';

const names = new Map<number, string>(Object.entries(os.errno).map(([k, v]) => [v, k]));

/** errnoName returns the symbolic name of a positive errno ("EEXIST"), or "errno N". */
export function errnoName(errno: number): string {
  return names.get(errno) ?? `errno ${errno}`;
}

const texts: Readonly<Record<string, string>> = {
  EEXIST: 'already exists', ESRCH: 'No such service', EINVAL: 'Invalid argument', ERANGE: 'Value out of range',
  EPERM: 'Permission denied (you must be root)', ENOMEM: 'Memory allocation problem', EBUSY: 'Device or resource busy',
  EOPNOTSUPP: 'Operation not supported', EMSGSIZE: 'Message too long',
};

/**
 * ipvsError maps a positive errno from an IPVS command. `destOp` tells dest commands (where
 * ENOENT means "No such destination") from the rest (ENOENT: unknown scheduler or pe).
 */
export function ipvsError(errno: number, what: string, destOp: boolean): IpvsError {
  const name = errnoName(errno);
  let code: IpvsErrorCode;
  let text = texts[name] ?? name;
  switch (name) {
    case 'EEXIST': code = 'LD_ERR_IPVS_EXISTS'; text = destOp ? 'Destination already exists' : 'Service already exists'; break;
    case 'ESRCH': code = 'LD_ERR_IPVS_NO_SERVICE'; break;
    case 'ENOENT':
      if (destOp) { code = 'LD_ERR_IPVS_NO_DEST'; text = 'No such destination'; } else { code = 'LD_ERR_IPVS_NOT_FOUND'; text = 'Scheduler or persistence engine not found'; }
      break;
    case 'EINVAL': case 'ERANGE': code = 'LD_ERR_IPVS_INVALID'; break;
    case 'EPERM': case 'EACCES': code = 'LD_ERR_IPVS_PERMISSION'; break;
    default: code = 'LD_ERR_IPVS_KERNEL';
  }
  const err = new IpvsError(code, `${what}: ${text} (${name})`);
  Object.defineProperty(err, 'errno', { value: errno, enumerable: true });
  return err;
}
