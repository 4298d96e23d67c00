/**
 * A real OpenLDAP slapd for the ldap/ldaps tests: slapd.conf-style throwaway config, an mdb
 * database loaded offline with slapadd, plain and TLS listeners on 127.0.6.11 (and plain on [::1]), foreground (-d 0).
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { startProcess, type ServerProcess } from '../../harness/proc.js';
import { freePort } from '../../harness/ports.js';
import { selfSignedCert } from '../../harness/certs.js';
import type { TempDir } from '../../harness/tmp.js';

export const SLAPD_ADDR = '127.0.6.11';
export const SUFFIX = 'dc=example,dc=test';
export const ROOT_DN = `cn=admin,${SUFFIX}`;
export const ROOT_PW = 'r00t-secret';

/** SlapdServer: the process and its two ports. */
export interface SlapdServer { readonly proc: ServerProcess; readonly ldapPort: number; readonly ldapsPort: number; readonly ldap6Port: number }

/** startSlapd writes the config and base entries, loads them with slapadd and starts slapd. */
export async function startSlapd(dir: TempDir): Promise<SlapdServer> {
  const h = SLAPD_ADDR;
  const [ldapPort, ldapsPort, ldap6Port] = [await freePort(h), await freePort(h), await freePort('::1')];
  chmodSync(dir.path, 0o755);
  mkdirSync(dir.join('db'));
  const cert = selfSignedCert(dir.path, 'ldap.test.invalid', [h]);
  const conf = dir.join('slapd.conf');
  writeFileSync(conf, `
include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
pidfile ${dir.join('slapd.pid')}
modulepath /usr/lib/ldap
moduleload back_mdb
TLSCertificateFile ${cert.cert}
TLSCertificateKeyFile ${cert.key}
database mdb
maxsize 10485760
suffix "${SUFFIX}"
rootdn "${ROOT_DN}"
rootpw ${ROOT_PW}
directory ${dir.join('db')}
`);
  writeFileSync(dir.join('base.ldif'), `dn: ${SUFFIX}
objectClass: dcObject
objectClass: organization
dc: example
o: Example

dn: ou=people,${SUFFIX}
objectClass: organizationalUnit
ou: people
`);
  execFileSync('slapadd', ['-f', conf, '-l', dir.join('base.ldif')], { stdio: 'pipe' });
  const proc = await startProcess('slapd', ['-d', '0', '-f', conf, '-h', `ldap://${h}:${ldapPort}/ ldaps://${h}:${ldapsPort}/ ldap://[::1]:${ldap6Port}/`], {
    ready: { host: h, port: ldapPort },
  });
  return { proc, ldapPort, ldapsPort, ldap6Port };
}
