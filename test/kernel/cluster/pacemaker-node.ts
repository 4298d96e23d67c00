/**
 * corosync 3 + Pacemaker 2.1 (Debian's packages), one node, inside the kernel lab guest: the recipe
 * of /work/shared/docs/cluster-managers.md, for the Pacemaker test and the cluster benchmark.
 * The cluster's state directories get guest tmpfs copies (the guest's root is the host's), and the
 * dummy `eth0` that carries ring0 exists only in the guest kernel.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { waitFor } from '../../e2e-support/wait.js';

const STATE_DIRS = '/etc/corosync /var/lib/pacemaker /var/lib/corosync';
const PACEMAKERD_OUT = '/tmp/pacemakerd.out';
const PACEMAKERD_PID = '/tmp/pacemakerd.pid';

const sh = (script: string): string => execFileSync('sh', ['-ec', script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

function tail(file: string): string {
  try { return readFileSync(file, 'utf8').split('\n').slice(-20).join('\n'); } catch { return `(no ${file})`; }
}

/** startPacemaker starts corosync and pacemakerd and resolves once node1 is online (stonith off, no quorum needed). */
export async function startPacemaker(): Promise<void> {
  sh(`
    for d in ${STATE_DIRS}; do
      mkdir -p /tmp/pm-copy$d; cp -a $d/. /tmp/pm-copy$d/
      mount -t tmpfs pm $d; cp -a /tmp/pm-copy$d/. $d/
    done
    chown hacluster:haclient /var/lib/pacemaker; chmod 750 /var/lib/pacemaker
    mkdir -p /var/log/pacemaker /var/log/corosync /var/log/crmsh /run/crm
    chown hacluster:haclient /var/log/pacemaker /run/crm
    hostname node1
    ip link add eth0 type dummy; ip addr add 10.9.9.1/24 dev eth0; ip link set eth0 up
    cat > /etc/corosync/corosync.conf <<'CONF'
totem {
  version: 2
  cluster_name: lab
  transport: knet
  crypto_cipher: none
  crypto_hash: none
  token: 1000
}
nodelist {
  node {
    ring0_addr: 10.9.9.1
    name: node1
    nodeid: 1
  }
}
quorum {
  provider: corosync_votequorum
}
logging {
  to_logfile: yes
  logfile: /var/log/corosync/corosync.log
  to_syslog: no
}
CONF
    corosync
  `);
  sh(`pacemakerd > ${PACEMAKERD_OUT} 2>&1 & echo $! > ${PACEMAKERD_PID}`);
  await waitFor('Pacemaker online', () => {
    try { return /Online: \[ node1 \]/.test(sh('crm_mon -1 2>/dev/null')) ? true : undefined; } catch { return undefined; }
  }, { timeoutMs: 600_000, intervalMs: 2000, describe: () => tail(PACEMAKERD_OUT) });
  sh('crm_attribute -t crm_config -n stonith-enabled -v false; crm_attribute -t crm_config -n no-quorum-policy -v ignore');
}

/** stopPacemaker stops pacemakerd and corosync and undoes the mounts (best effort). */
export function stopPacemaker(): void {
  sh(`
    kill -TERM $(cat ${PACEMAKERD_PID}) 2>/dev/null || true
    i=0; while kill -0 $(cat ${PACEMAKERD_PID}) 2>/dev/null && [ $i -lt 120 ]; do sleep 1; i=$((i+1)); done
    corosync-cfgtool -H >/dev/null 2>&1 || true
    sleep 2
    for d in ${STATE_DIRS}; do umount $d || true; done
    ip link del eth0 || true
  `);
}

/** crmStatus is `crm_mon -1` (for failure messages). */
export function crmStatus(): string {
  return sh('crm_mon -1 2>&1 || true');
}

/**
 * createLdirectord adds an ocf:heartbeat:ldirectord primitive for `configfile`; `binary` sets the
 * agent's `ldirectord=` parameter (unset: its default /usr/sbin/ldirectord). The op timeouts are
 * generous: every agent call runs several program start-ups, seconds each in a loaded UML guest.
 */
export function createLdirectord(id: string, configfile: string, binary?: string): void {
  const params = [`<nvpair id="${id}-cf" name="configfile" value="${configfile}"/>`];
  if (binary) params.push(`<nvpair id="${id}-bin" name="ldirectord" value="${binary}"/>`);
  sh(`cibadmin -C -o resources -X '<primitive id="${id}" class="ocf" provider="heartbeat" type="ldirectord"><instance_attributes id="${id}-ia">${params.join('')}</instance_attributes><operations><op id="${id}-start" name="start" interval="0" timeout="180s"/><op id="${id}-stop" name="stop" interval="0" timeout="180s"/><op id="${id}-mon" name="monitor" interval="10s" timeout="120s"/></operations></primitive>'`);
}

/** deleteResource removes a (stopped) primitive from the CIB. */
export function deleteResource(id: string): void {
  sh(`cibadmin -D -o resources -X '<primitive id="${id}"/>'`);
}

/** resourceStarted: Pacemaker places the resource on node1 (its start op has finished). */
export function resourceStarted(id: string): boolean {
  try { return new RegExp(`${id}\\s+\\(ocf:heartbeat:ldirectord\\):\\s+Started node1`).test(sh('crm_mon -1 2>&1')); } catch { return false; }
}

/** setTargetRole sets the resource's target-role meta attribute (Stopped, Started). */
export function setTargetRole(id: string, role: 'Started' | 'Stopped'): void {
  sh(`crm_resource --resource ${id} --meta --set-parameter target-role --parameter-value ${role}`);
}
