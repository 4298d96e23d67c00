/**
 * The per-config runtime files next to the pid file `<dir>/ldirectord.<CFGNAME>.pid`: the control
 * socket and the drain state. One directory setting (`--piddir`, LDIRECTORD_PIDDIR) moves them
 * all, so tests and a second instance never share them.
 */
import { join } from 'node:path';
import { drainFilePath } from './drain-file.js';

/** controlSocketPath is `<dir>/ldirectord.<CFGNAME>.sock`. */
export function controlSocketPath(dir: string, name: string): string {
  return join(dir, `ldirectord.${name}.sock`);
}

/** runtimePaths are the EngineDeps fields for a config named `name`. */
export function runtimePaths(dir: string, name: string): { controlSocket: string; drainFile: string } {
  return { controlSocket: controlSocketPath(dir, name), drainFile: drainFilePath(dir, name) };
}
