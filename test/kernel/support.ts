/**
 * Shared helpers for the kernel tests, which run INSIDE the kernel lab (test/lab): the guard
 * that refuses to run elsewhere, the real ipvsadm, modprobe, and the driver behind one adapter.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { openIpvs, type OpenIpvsOptions } from '../../src/ipvs/index.js';
import { readTable, renderList, renderSave, renderTimeouts, type ListOptions } from '../../src/ipvs/render.js';
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

/** DriverHandle is what openIpvs returns: an IpvsHandle plus the sync-daemon commands. */
export type DriverHandle = Awaited<ReturnType<typeof openIpvs>>;

/** Driver is the slice of src/ipvs the kernel tests use, with renderers that read the table first. */
export interface Driver {
  openIpvs(opts?: OpenIpvsOptions): Promise<DriverHandle>;
  /** renderList reads the table like `ipvsadm -L` does and renders it (any view). */
  renderList(h: IpvsHandle, opts?: ListOptions): Promise<string>;
  renderSave(h: IpvsHandle): Promise<string>;
  renderTimeouts(h: IpvsHandle): Promise<string>;
}

/** loadDriver returns the real driver (kept as a seam so the bench and tests share one adapter). */
export async function loadDriver(): Promise<Driver> {
  return {
    openIpvs: (opts) => openIpvs(opts),
    renderList: async (h, opts) => { const t = await readTable(h); return renderList(t.info, t.entries, opts); },
    renderSave: async (h) => renderSave((await readTable(h)).entries),
    renderTimeouts: async (h) => renderTimeouts(await h.getTimeouts()),
  };
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
