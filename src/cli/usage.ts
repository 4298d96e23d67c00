/**
 * The texts the CLI prints: usage (SYNOPSIS + OPTIONS, as the original's pod2usage), the help
 * page (the original exec'd perldoc instead), and the version banner.
 */
import { packageVersion } from '../util/version.js';


/** ORIGINAL_VERSION is the original's $VERSION_STR (L834), which scripts may grep for. */
export const ORIGINAL_VERSION = 'Linux Director v1.186-ha';

/** versionText is what -v prints. */
export function versionText(): string {
  return `${ORIGINAL_VERSION} (ldirectord for Node.js ${packageVersion()})\n`
    + '1999-2006 Jacob Rief, Horms and others (the original Perl ldirectord)\n'
    + '<http://www.vergenet.net/linux/ldirectord/>\n'
    + '\n'
    + 'ldirectord comes with ABSOLUTELY NO WARRANTY.\n'
    + 'This is free software, and you are welcome to redistribute it\n'
    + 'under certain conditions. See the GNU General Public Licence for details.\n';
}

/** USAGE is SYNOPSIS and OPTIONS, printed on a usage error. */
export const USAGE = `Usage:
    ldirectord [-d|--debug] [--] [configfile]
    start | stop | restart | try-restart | reload | force-reload | status | configtest

    ldirectord [-h|-?|--help|-v|--version]

Options:
    configfile: the configuration, looked up as /etc/ha.d/<configfile>,
    /etc/ha.d/conf/<configfile>, then <configfile> itself (default: ldirectord.cf)

    -d|--debug Don't start as daemon and log verbosely.

    -h|--help Print user manual and exit.

    -v|--version Print version and exit.
`;

/** helpText is what -h prints on stdout (exit 0). */
export function helpText(): string {
  return `ldirectord - Linux Director Daemon (ldirectord for Node.js ${packageVersion()})

Daemon to monitor remote services and control Linux Virtual Server.

${USAGE}
Actions:
    start         start the daemon for the configuration (no-op if it is running)
    stop          stop it (SIGTERM) and wait until it has cleaned up and exited
    restart       stop (if running), then start
    try-restart   restart if running, otherwise do nothing
    reload        make the daemon re-read its configuration (SIGHUP)
    force-reload  same as reload
    status        exit 0 running, 1 stale pid file, 3 stopped
    configtest    parse the configuration, print a summary (exit 0) or every error (exit 2)
    show [--json] the daemon's view: each real's health, weights, last check (exit 3: no daemon)
    drain REAL [--reason TEXT]   weight 0 for REAL (ADDRESS[:PORT]) until enable; kept across restarts
    enable REAL   end a drain: REAL is back after its next passing check

Exit codes: 0 ok, 1 error or not running (reload), 2 configuration error,
3 stopped (status), 255 usage.

Test and packaging options (also as environment variables):
    --confdir DIR[:DIR...]   config search directories   (LDIRECTORD_CONFDIR)
    --piddir DIR             pid file directory           (LDIRECTORD_PIDDIR, default /var/run)
    --stop-timeout SECONDS   how long stop waits          (LDIRECTORD_STOP_TIMEOUT, default 60)

See docs/cli.md for details and the differences from the Perl original.
`;
}
