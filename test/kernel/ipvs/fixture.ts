/**
 * A varied IPVS table written twice: as `ipvsadm -R` rules (the reference tool's input) and as
 * driver objects. Tests build it one way and read it back the other. It covers v4, v6, fwmark
 * v4/v6, tcp/udp/sctp, masq/route/tunnel (ipip, gue, gre, csum flags, a v4 dest under a v6
 * service), thresholds, persistence with netmask, ops, pe sip, sched flags, 200.x-before-10.x
 * sorting, a long IPv6 dest name and a weight of 65535.
 * ipvsadm forces a non-masq dest's port to the service port, so the objects use that port too.
 */
import type { IpvsDest, IpvsService } from '../../../src/ipvs/types.js';
import { dest, svc, tcp } from '../support.js';

/** SVC_F_* are the service flag bits (include/uapi/linux/ip_vs.h). */
export const SVC_F = { PERSISTENT: 0x1, ONEPACKET: 0x4, SCHED1: 0x8, SCHED2: 0x10, SCHED3: 0x20 } as const;

/** FixtureEntry is one service and its dests. */
export interface FixtureEntry { readonly service: IpvsService; readonly dests: readonly IpvsDest[] }

/** FIXTURE_RULES is the table in ipvsadm -R syntax. */
export const FIXTURE_RULES = `-A -t 10.0.0.1:80 -s rr
-a -t 10.0.0.1:80 -r 127.0.0.2:80 -g -w 1
-a -t 10.0.0.1:80 -r 127.0.0.3:8080 -m -w 5 -x 100 -y 10
-a -t 10.0.0.1:80 -r 192.168.10.1:80 -i -w 0
-A -t 200.1.1.1:443 -s wlc -p 300 -M 255.255.255.0
-a -t 200.1.1.1:443 -r 200.1.1.10:443 -g -w 65535 -x 5000 -y 0
-A -u 10.0.0.3:53 -s sh -b sh-fallback,sh-port
-a -u 10.0.0.3:53 -r 127.0.0.4:53 -m -w 2
-A --sctp-service 10.0.0.4:5000 -s mh -b mh-fallback,mh-port
-a --sctp-service 10.0.0.4:5000 -r 127.0.0.9:5000 -m -w 1
-A -t [2001:db8::1]:80 -s wrr -p 60 -M 64
-a -t [2001:db8::1]:80 -r [2001:db8::10]:80 -g -w 3
-a -t [2001:db8::1]:80 -r [2001:db8:1234:5678:9abc:def0:1234:5678]:80 -i -w 3 --tun-type gue --tun-port 6080 --tun-nocsum
-a -t [2001:db8::1]:80 -r 10.9.9.9:80 -i -w 1
-A -f 100 -s lc
-a -f 100 -r 127.0.0.5:0 -g -w 1
-A -f 200 -6 -s sed
-a -f 200 -6 -r [2001:db8::20]:0 -g -w 1
-A -u 10.0.0.5:5060 -s rr -p 120 --pe sip
-A -u 10.0.0.6:53 -s nq -o
-a -u 10.0.0.6:53 -r 10.1.0.1:53 -i -w 1 --tun-type gre --tun-csum
-a -u 10.0.0.6:53 -r 10.1.0.2:53 -i -w 1 --tun-type ipip
-a -u 10.0.0.6:53 -r 10.1.0.3:53 -i -w 1 --tun-type gue --tun-port 5555 --tun-remcsum
-A -t 10.0.0.7:8080 -s dh
-A -t 10.0.0.8:8080 -s lblc
-A -t 10.0.0.9:8080 -s lblcr -p
-A -t 10.0.0.10:8080 -s fo
-A -t 10.0.0.11:8080 -s ovf
`;

const P = SVC_F.PERSISTENT;
const v6 = (address: string, port: number) => tcp(address, port);

/** FIXTURE is the same table as driver objects. */
export const FIXTURE: readonly FixtureEntry[] = [
  { service: svc(tcp('10.0.0.1', 80), { scheduler: 'rr' }), dests: [
    dest('127.0.0.2', 80, { weight: 1 }),
    dest('127.0.0.3', 8080, { forward: 'masq', weight: 5, upperThreshold: 100, lowerThreshold: 10 }),
    dest('192.168.10.1', 80, { forward: 'tunnel', weight: 0, tunType: 'ipip' }),
  ] },
  { service: svc(tcp('200.1.1.1', 443), { scheduler: 'wlc', flags: P, timeout: 300, netmask: '255.255.255.0' }), dests: [
    dest('200.1.1.10', 443, { weight: 65535, upperThreshold: 5000 }),
  ] },
  { service: svc({ family: 4, protocol: 'udp', address: '10.0.0.3', port: 53 }, { scheduler: 'sh', flags: SVC_F.SCHED1 | SVC_F.SCHED2 }), dests: [
    dest('127.0.0.4', 53, { forward: 'masq', weight: 2 }),
  ] },
  { service: svc({ family: 4, protocol: 'sctp', address: '10.0.0.4', port: 5000 }, { scheduler: 'mh', flags: SVC_F.SCHED1 | SVC_F.SCHED2 }), dests: [
    dest('127.0.0.9', 5000, { forward: 'masq', weight: 1 }),
  ] },
  { service: svc(v6('2001:db8::1', 80), { scheduler: 'wrr', flags: P, timeout: 60, netmask: '64' }), dests: [
    dest('2001:db8::10', 80, { weight: 3 }),
    dest('2001:db8:1234:5678:9abc:def0:1234:5678', 80, { forward: 'tunnel', weight: 3, tunType: 'gue', tunPort: 6080, tunFlags: 0 }),
    dest('10.9.9.9', 80, { family: 4, forward: 'tunnel', weight: 1, tunType: 'ipip' }),
  ] },
  { service: svc({ family: 4, fwmark: 100 }, { scheduler: 'lc' }), dests: [dest('127.0.0.5', 0)] },
  { service: svc({ family: 6, fwmark: 200 }, { scheduler: 'sed' }), dests: [dest('2001:db8::20', 0)] },
  { service: svc({ family: 4, protocol: 'udp', address: '10.0.0.5', port: 5060 }, { scheduler: 'rr', flags: P, timeout: 120, peName: 'sip' }), dests: [] },
  { service: svc({ family: 4, protocol: 'udp', address: '10.0.0.6', port: 53 }, { scheduler: 'nq', flags: SVC_F.ONEPACKET }), dests: [
    dest('10.1.0.1', 53, { forward: 'tunnel', tunType: 'gre', tunFlags: 1 }),
    dest('10.1.0.2', 53, { forward: 'tunnel', tunType: 'ipip' }),
    dest('10.1.0.3', 53, { forward: 'tunnel', tunType: 'gue', tunPort: 5555, tunFlags: 2 }),
  ] },
  { service: svc(tcp('10.0.0.7', 8080), { scheduler: 'dh' }), dests: [] },
  { service: svc(tcp('10.0.0.8', 8080), { scheduler: 'lblc' }), dests: [] },
  { service: svc(tcp('10.0.0.9', 8080), { scheduler: 'lblcr', flags: P, timeout: 360 }), dests: [] },
  { service: svc(tcp('10.0.0.10', 8080), { scheduler: 'fo' }), dests: [] },
  { service: svc(tcp('10.0.0.11', 8080), { scheduler: 'ovf' }), dests: [] },
];
