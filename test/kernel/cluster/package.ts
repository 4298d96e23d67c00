/**
 * Our Debian package inside the kernel lab guest, without installing it on the host (its
 * Conflicts would remove Debian's Perl ldirectord, which the differential tests need): the .deb
 * the runner built (LDIRECTORD_DEB) is unpacked with dpkg-deb -x into the guest's tmpfs, and the
 * guest's /usr/sbin becomes a tmpfs of symlinks to the host's files, with /usr/sbin/ldirectord a
 * symlink to the unpacked package's command. Nothing is written to the host; `uninstall` undoes
 * the mounts so later test files see the host's /usr/sbin again.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const PKG = '/tmp/ldirectord-node-pkg';
const HOST_SBIN = '/tmp/host-sbin';
/** The host's own /usr/sbin/ldirectord (Debian's Perl original) while our package is installed. */
export const PERL_LDIRECTORD = `${HOST_SBIN}/ldirectord`;

/** installPackage puts our package behind /usr/sbin/ldirectord in this guest; returns its private dir. */
export function installPackage(): string {
  const deb = process.env.LDIRECTORD_DEB;
  if (!deb || !existsSync(deb)) throw new Error(`LDIRECTORD_DEB (${deb}) is not a built package: run the lab through run-kernel-tests, which builds it`);
  execFileSync('sh', ['-ec', `
    rm -rf ${PKG}; mkdir -p ${PKG} ${HOST_SBIN}
    dpkg-deb -x "$1" ${PKG}
    mount --bind /usr/sbin ${HOST_SBIN}
    mount -t tmpfs sbin /usr/sbin
    for f in ${HOST_SBIN}/*; do ln -s "$f" /usr/sbin/; done
    rm /usr/sbin/ldirectord
    ln -s ${PKG}/usr/lib/ldirectord-node/bin/ldirectord /usr/sbin/ldirectord
  `, 'sh', deb], { stdio: 'inherit' });
  return `${PKG}/usr/lib/ldirectord-node`;
}

/** uninstallPackage restores the guest's view of the host's /usr/sbin. */
export function uninstallPackage(): void {
  execFileSync('sh', ['-c', `umount /usr/sbin; umount ${HOST_SBIN}; rm -rf ${PKG}`], { stdio: 'inherit' });
}
