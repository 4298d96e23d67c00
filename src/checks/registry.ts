/**
 * The one table of checks: every checktype that is a check of its own, and every negotiate
 * service. Adding a checker = one file exporting `check` + one line here.
 */
import type { CheckFn, CheckKind, CheckServiceName } from './types.js';
import { check as connect } from './connect.js';
import { check as ping } from './ping.js';
import { check as external } from './external.js';
import { check as externalPerl } from './external-perl.js';
import { check as onCheck } from './on.js';
import { check as offCheck } from './off.js';
import { check as noneCheck } from './none.js';
import { check as http } from './http.js';
import { check as https } from './https.js';
import { check as http_proxy } from './http_proxy.js';
import { check as simpletcp } from './simpletcp.js';
import { check as smtp } from './smtp.js';
import { check as submission } from './submission.js';
import { check as pop } from './pop.js';
import { check as pops } from './pops.js';
import { check as imap } from './imap.js';
import { check as imaps } from './imaps.js';
import { check as nntp } from './nntp.js';
import { check as ftp } from './ftp.js';
import { check as ldap } from './ldap.js';
import { check as ldaps } from './ldaps.js';
import { check as dns } from './dns.js';
import { check as radius } from './radius.js';
import { check as mysql } from './mysql.js';
import { check as pgsql } from './pgsql.js';
import { check as oracle } from './oracle.js';
import { check as sip } from './sip.js';

/** KIND_CHECKS: checktypes other than negotiate (which dispatches on the service). */
export const KIND_CHECKS: Readonly<Record<Exclude<CheckKind, 'negotiate'>, CheckFn>> = Object.freeze({
  connect, ping, external, 'external-perl': externalPerl, on: onCheck, off: offCheck,
});

/** SERVICE_CHECKS: the negotiate check of each service. */
export const SERVICE_CHECKS: Readonly<Record<CheckServiceName, CheckFn>> = Object.freeze({
  none: noneCheck, http, https, http_proxy, simpletcp, smtp, submission, pop, pops, imap, imaps,
  nntp, ftp, ldap, ldaps, dns, radius, mysql, pgsql, oracle, sip,
});
