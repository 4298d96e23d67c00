/**
 * The director's public surface: createDirector (the engine the daemon drives) and its types.
 */
export { createDirector, DirectorEngine } from './director.js';
export type {
  DaemonStatus, Director, DirectorDeps, DirectorFs, DirectorOptions, DirectorStatus, MailMessage, RealStatus, VirtualStatus,
} from './types.js';
export { nodemailerSend } from './email.js';
export { spawnExec } from './exec.js';
