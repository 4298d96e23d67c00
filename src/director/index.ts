/**
 * The director's public surface: createDirector (the engine the daemon drives), its types, and
 * the autoreload watcher the daemon wires to reload.
 */
export { createDirector, DirectorEngine } from './director.js';
export type {
  DaemonStatus, Director, DirectorDeps, DirectorFs, DirectorOptions, DirectorStatus, MailMessage, RealStatus, VirtualStatus,
} from './types.js';
export { nodemailerSend } from './email.js';
export { spawnExec } from './exec.js';
export { watchConfig } from './autoreload.js';
export type { AutoreloadOptions, ConfigWatcher } from './autoreload.js';
