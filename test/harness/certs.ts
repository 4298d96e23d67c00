/** Self-signed certificates for TLS test servers, made with the openssl CLI. */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/** CertFiles names a PEM certificate and its unencrypted key. */
export interface CertFiles { readonly cert: string; readonly key: string }

/**
 * selfSignedCert writes `<name>.crt`/`<name>.key` into `dir`: a 2048-bit RSA self-signed
 * certificate for `cn`, with `cn` and the given IPs as subjectAltNames.
 */
export function selfSignedCert(dir: string, cn: string, ips: readonly string[] = [], name = 'server'): CertFiles {
  const cert = join(dir, `${name}.crt`);
  const key = join(dir, `${name}.key`);
  const san = [`DNS:${cn}`, ...ips.map((ip) => `IP:${ip}`)].join(',');
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', `/CN=${cn}`,
    '-addext', `subjectAltName=${san}`, '-keyout', key, '-out', cert,
  ], { stdio: 'pipe' });
  return { cert, key };
}
