/**
 * DEFAULTS holds every default of the config model, in one frozen object (ldirectord
 * `set_defaults` L1276-1302 and the per-virtual initialisation L1370-1398). The validator reads
 * it once; the CLI reads it for its help text. Nothing else may restate a default.
 */
export const DEFAULTS = Object.freeze({
  global: Object.freeze({
    checkinterval: 10,
    checkcount: 1,
    failurecount: 1,
    autoreload: false,
    logfile: '/var/log/ldirectord.log',
    fork: false,
    supervised: false,
    // ldirectord L1298: the man page says quiescent=yes, the code says no.
    quiescent: false,
    readdquiescent: false,
    cleanstop: true,
    emailalertfreq: 0,
    emailalertstatus: 15,
    /** Extension: run fallbackcommand on stop (issue #750). */
    fallbackcommandonstop: false,
    /** Extension: global cap on concurrently running checks. */
    maxchecks: 1000,
    /** Extension: largest response body a check reads. */
    maxresponsebytes: 1048576,
  }),
  virtual: Object.freeze({
    checktype: 'negotiate',
    scheduler: 'wrr',
    checkcommand: '/bin/true',
    request: '/',
    receive: '',
    httpmethod: 'GET',
    login: '',
    passwd: '',
    database: '',
    secret: '',
    ops: false,
    risecount: 1,
    hysteresis: 0,
    httpsverify: false,
  }),
  real: Object.freeze({ port: 0, weight: 1, lowerThreshold: 0, upperThreshold: 0 }),
  /** Timeouts used when neither the virtual nor the globals set one (ldirectord L1283-1284). */
  checktimeout: 5,
  negotiatetimeout: 30,
  /** Fallback servers always get weight 1 and default to gate (ldirectord parse_fallback). */
  fallbackForward: 'gate',
  /** Where `resolveConfigPath` looks for a bare name (ldirectord L985-1012). */
  confDirs: Object.freeze(['/etc/ha.d', '/etc/ha.d/conf']),
  servicesFile: '/etc/services',
});

/** SERVICE_BY_PORT: the default `service` of a virtual's port, derived from the checker table. */
export { SERVICE_BY_PORT } from '../checks/table.js';
