/**
 * corosync 3 + Pacemaker 2.1 on the two directors of the pair topology (issue 13), the recipe of
 * /work/shared/docs/cluster-managers.md made two-node: corosync (knet) over the shared bridge,
 * `two_node` quorum, **no fencing** (`stonith-enabled=false`: a lab has nothing to fence with, and
 * a crashed director is gone for good; a production pair needs a fence device), the stock
 * `ocf:heartbeat:ldirectord` agent (its default /usr/sbin/ldirectord: our unpacked package, or the
 * Perl original) and `ocf:heartbeat:IPaddr2` for the VIP. Two shapes (docs/director-pair.md):
 * - `moved`: the seed's shape, a group `lvs` = VIP + ldirectord, preferring linuxha1 (ldirectord
 *   starts on linuxha2 at takeover);
 * - `warm`: ldirectord as a clone on both directors, the VIP alone moves, colocated with a running
 *   instance and ordered after the clone.
 * The CIB is written to disk before Pacemaker starts (the same on both directors), which brings the
 * cluster up in one election instead of a round of cibadmin calls against a starting cluster.
 */
import { VIP, type Director, type PairMode } from './pair-topology.js';

/** The cluster's state directories: each director gets tmpfs copies (the lab guest's root is the host's). */
const STATE_DIRS = ['/etc/corosync', '/var/lib/pacemaker', '/var/lib/corosync'];

/** corosyncConf renders corosync.conf for the pair: knet on the bridge, two_node quorum (pure). */
export function corosyncConf(nodes: readonly { name: string; addr: string }[]): string {
  return [
    'totem {', '  version: 2', '  cluster_name: pair', '  transport: knet', '  crypto_cipher: none', '  crypto_hash: none',
    // 6 s: with 3 s the loaded lab guest lost the token while both directors were alive ("Corosync
    // main process was not scheduled for 3279 ms ... Consider token timeout increase"), and the
    // membership change cost minutes of Pacemaker elections; the price is a later failure detection.
    '  token: 6000', '}',
    'nodelist {',
    ...nodes.flatMap((n, i) => ['  node {', `    ring0_addr: ${n.addr}`, `    name: ${n.name}`, `    nodeid: ${i + 1}`, '  }']),
    '}',
    'quorum {', '  provider: corosync_votequorum', '  two_node: 1', '}',
    'logging {', '  to_logfile: yes', '  logfile: /var/log/corosync/corosync.log', '  to_syslog: no', '  timestamp: on', '}', '',
  ].join('\n');
}

/** The op timeouts are generous: every agent call runs several program start-ups, seconds each in a loaded guest. */
const ops = (id: string, monitor: string): string => `<operations>`
  + `<op id="${id}-start" name="start" interval="0" timeout="180s"/><op id="${id}-stop" name="stop" interval="0" timeout="180s"/>`
  + `<op id="${id}-mon" name="monitor" interval="${monitor}" timeout="120s"/></operations>`;

const nv = (id: string, name: string, value: string): string => `<nvpair id="${id}" name="${name}" value="${value}"/>`;

/** The VIP as IPaddr2 holds it: on the shared segment's eth0, gratuitous ARP at start (its default). */
const vipPrimitive = `<primitive id="vip" class="ocf" provider="heartbeat" type="IPaddr2"><instance_attributes id="vip-ia">`
  + `${nv('vip-ip', 'ip', VIP)}${nv('vip-mask', 'cidr_netmask', '24')}${nv('vip-nic', 'nic', 'eth0')}</instance_attributes>${ops('vip', '10s')}</primitive>`;

/** ldirectord with the stock agent and its default binary, the seed's www.cf. */
const ldPrimitive = `<primitive id="ld" class="ocf" provider="heartbeat" type="ldirectord"><instance_attributes id="ld-ia">`
  + `${nv('ld-cf', 'configfile', '/etc/ha.d/www.cf')}</instance_attributes>${ops('ld', '10s')}</primitive>`;

/**
 * cibXml renders the CIB both directors start from (pure): no fencing, quorum ignored (two_node
 * keeps it anyway when one director is lost), a short DC election, and the resources of `mode`.
 */
export function cibXml(mode: PairMode): string {
  const resources = mode === 'moved'
    ? `<group id="lvs">${vipPrimitive}${ldPrimitive}</group>`
    : `<clone id="ld-clone"><meta_attributes id="ld-clone-meta">${nv('ld-clone-il', 'interleave', 'true')}</meta_attributes>${ldPrimitive}</clone>${vipPrimitive}`;
  const constraints = mode === 'moved'
    ? '<rsc_location id="lvs-on-1" rsc="lvs" node="linuxha1" score="100"/>'
    : '<rsc_location id="vip-on-1" rsc="vip" node="linuxha1" score="100"/>'
      // The VIP only where ldirectord runs (its table is programmed), and only after it started.
      + '<rsc_colocation id="vip-with-ld" rsc="vip" with-rsc="ld-clone" score="INFINITY"/>'
      + '<rsc_order id="ld-then-vip" first="ld-clone" then="vip" kind="Mandatory"/>';
  return `<cib crm_feature_set="3.16.1" validate-with="pacemaker-3.9" epoch="10" num_updates="0" admin_epoch="0">`
    + '<configuration><crm_config><cluster_property_set id="cib-bootstrap-options">'
    + nv('o-stonith', 'stonith-enabled', 'false') + nv('o-quorum', 'no-quorum-policy', 'ignore') + nv('o-dcdt', 'dc-deadtime', '2s')
    + '</cluster_property_set></crm_config><nodes/>'
    + `<resources>${resources}</resources><constraints>${constraints}</constraints>`
    + '</configuration><status/></cib>\n';
}

/** writeIn writes a file inside the director (its mount namespace). */
function writeIn(d: Director, path: string, text: string): void {
  d.sh(`cat > ${path} <<'PAIR_EOF'\n${text}PAIR_EOF\n`);
}

/**
 * startPacemaker prepares the director's private cluster state (tmpfs copies of the state
 * directories, a tmpfs /dev/shm for libqb's IPC), writes corosync.conf and the CIB, and starts
 * corosync and pacemakerd in it; output goes to files (the daemons must not hold our pipes).
 */
export function startPacemaker(d: Director, nodes: readonly { name: string; addr: string }[], mode: PairMode): void {
  d.sh(`
    for dir in ${STATE_DIRS.join(' ')}; do
      mkdir -p /tmp/pm-copy$dir; cp -a $dir/. /tmp/pm-copy$dir/
      mount -t tmpfs pm $dir; cp -a /tmp/pm-copy$dir/. $dir/
    done
    rm -rf /tmp/pm-copy
    chown hacluster:haclient /var/lib/pacemaker; chmod 750 /var/lib/pacemaker
    mkdir -p /dev/shm; mount -t tmpfs shm /dev/shm
    mkdir -p /var/log/pacemaker /var/log/corosync /run/crm /run/pacemaker /var/lib/pacemaker/cib
    mkdir -p -m 1755 /run/resource-agents
    chown hacluster:haclient /var/log/pacemaker /run/crm /var/lib/pacemaker/cib
    rm -f /var/lib/pacemaker/cib/cib*
  `);
  writeIn(d, '/etc/corosync/corosync.conf', corosyncConf(nodes));
  writeIn(d, '/var/lib/pacemaker/cib/cib.xml', cibXml(mode));
  d.sh(`
    chown hacluster:haclient /var/lib/pacemaker/cib/cib.xml; chmod 600 /var/lib/pacemaker/cib/cib.xml
    corosync > /var/log/corosync-start.out 2>&1 < /dev/null
    pacemakerd > /var/log/pacemakerd.out 2>&1 < /dev/null &
  `);
}

/** bothOnline: the director's Pacemaker sees both directors online. */
export function bothOnline(d: Director): boolean {
  try { return /Online: \[ linuxha1 linuxha2 \]/.test(d.sh('crm_mon -1 2>/dev/null')); } catch { return false; }
}

/** pacemakerLog is the director's Pacemaker and corosync lines about membership and the resources (evidence). */
export function pacemakerLog(d: Director): string[] {
  const pm = d.file('/var/log/pacemaker/pacemaker.log').split('\n')
    .filter((l) => /pacemaker-controld.*(Initiating (start|stop)|Result of (start|stop) operation)|[Nn]ode linuxha1 .*(lost|left)|quorum/.test(l));
  const cs = d.file('/var/log/corosync/corosync.log').split('\n').filter((l) => /new membership|[Ff]ailed to receive|link: .* is down/.test(l));
  return [...cs.slice(-4), ...pm.slice(-10)];
}

/** crmMon is `crm_mon -1` inside the director (for failure messages). */
export function crmMon(d: Director): string {
  try { return d.sh('crm_mon -1 2>&1 || true'); } catch (e) { return String(e); }
}
