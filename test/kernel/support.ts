/**
 * Shared helpers for the kernel tests, which run INSIDE the kernel lab (test/lab): the guard
 * that refuses to run elsewhere, the real ipvsadm, modprobe, and the driver loaded by name so a
 * renamed export fails one clear assertion instead of the whole build.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import type { IpvsHandle, IpvsDest, IpvsService, ServiceKey } from '../../src/ipvs/types.js';

/** assertInLab throws unless this process sees a kernel with IPVS (i.e. runs inside the lab). */
export function assertInLab(): void {
  if (!existsSync('/proc/net/ip_vs')) {
    throw new Error(
      'kernel tests need a kernel with IPVS: /proc/net/ip_vs is absent. They run inside the kernel lab: '
      + '`npm run lab` (or node dist/test/lab/run-kernel-tests.js), see docs/kernel-lab.md.');
  }
}
assertInLab();

/** ipvsadm runs the real ipvsadm and returns its stdout; it throws with stderr on failure. */
export function ipvsadm(...args: string[]): string {
  return execFileSync('ipvsadm', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** ipvsadmRestore feeds rules (ipvsadm -S format) to `ipvsadm -R`. */
export function ipvsadmRestore(rules: string): string {
  return execFileSync('ipvsadm', ['-R'], { input: rules, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
}

/** UML_MODULES is where the lab's kernel modules live (bind-mounted on /lib/modules). */
export const UML_MODULES = '/usr/lib/uml/modules';

/** moduleAvailable says whether the UML kernel ships `name`.ko. */
export function moduleAvailable(name: string): boolean {
  for (const v of readdirSync(UML_MODULES)) {
    if (existsSync(`${UML_MODULES}/${v}/kernel/net/netfilter/ipvs/${name}.ko`)) return true;
  }
  return false;
}

/** modprobe loads a module; it throws if modprobe fails. */
export function modprobe(name: string): void {
  execFileSync('modprobe', [name], { stdio: ['ignore', 'pipe', 'pipe'] });
}

/** OpenOptions are the driver knobs the stress test turns (names as the driver exports them). */
export interface OpenOptions { readonly rcvbuf?: number; readonly window?: number; readonly timeoutMs?: number }

/** Renderers: byte-identical `ipvsadm -Ln` and `ipvsadm -Sn` from a dumped table. */
export interface Table {
  readonly services: readonly { readonly service: IpvsService; readonly dests: readonly IpvsDest[] }[];
}

/** Driver is the slice of src/ipvs the kernel tests use. */
export interface Driver {
  openIpvs(opts?: OpenOptions): Promise<IpvsHandle>;
  renderList(h: IpvsHandle): Promise<string>;
  renderSave(h: IpvsHandle): Promise<string>;
}

/** loadDriver imports src/ipvs; a missing or renamed export is one clear failure. */
export async function loadDriver(): Promise<Driver> {
  const spec = '../../src/ipvs/index.js';
  const mod = await import(spec) as Record<string, unknown>;
  const need = ['openIpvs', 'renderList', 'renderSave'];
  const missing = need.filter((k) => typeof mod[k] !== 'function');
  if (missing.length) throw new Error(`src/ipvs/index.js lacks ${missing.join(', ')}`);
  return mod as unknown as Driver;
}

/** tcp builds a TCP ServiceKey. */
export function tcp(address: string, port: number): ServiceKey {
  return { family: address.includes(':') ? 6 : 4, protocol: 'tcp', address, port };
}

/** svc builds a full service with defaults (wlc, no persistence). */
export function svc(key: ServiceKey, over: Partial<IpvsService> = {}): IpvsService {
  return {
    key, scheduler: 'wlc', flags: 0, timeout: 0,
    netmask: key.family === 6 ? '128' : '255.255.255.255', ...over,
  };
}

/** dest builds a full dest with defaults (route, weight 1, no thresholds). */
export function dest(address: string, port: number, over: Partial<IpvsDest> = {}): IpvsDest {
  return { address, port, forward: 'route', weight: 1, upperThreshold: 0, lowerThreshold: 0, ...over };
}

/** mustApply applies ops and fails with the first op error. */
export async function mustApply(h: IpvsHandle, ops: Parameters<IpvsHandle['apply']>[0]): Promise<void> {
  const res = await h.apply(ops);
  const bad = res.findIndex((r) => !r.ok);
  if (bad >= 0) {
    const r = res[bad] as { ok: false; error: Error };
    throw new Error(`op ${bad} (${ops[bad]!.op}) failed: ${r.error.message}`, { cause: r.error });
  }
}
