/**
 * Command line parsing with yargs, configured to behave as the original's
 * Getopt::Long::Configure("bundling", "no_auto_abbrev", "require_order") (L888-891):
 *  - require_order   -> halt-at-non-option: options stop at the first non-option, so in
 *                       `ldirectord www start -d` the `-d` is a (surplus) argument, not an option;
 *  - bundling        -> short-option-groups: `-dv` is `-d -v`;
 *  - no_auto_abbrev  -> yargs never abbreviates; strict() rejects anything unknown;
 *  - and none of yargs' extras (--no-x negation, camelCase copies, number parsing of "80").
 * The test options (--confdir, --piddir, --stop-timeout) are extensions; the environment
 * variables LDIRECTORD_CONFDIR/PIDDIR/STOP_TIMEOUT do the same without changing the command line.
 */

/** ACTIONS are the original's actions plus `configtest`. */
export const ACTIONS = ['start', 'stop', 'restart', 'try-restart', 'reload', 'force-reload', 'status', 'configtest'] as const;
/** CONTROL_ACTIONS talk to the running daemon over its control socket; they take arguments. */
export const CONTROL_ACTIONS = ['show', 'drain', 'enable'] as const;
export type ControlAction = (typeof CONTROL_ACTIONS)[number];
export type Action = (typeof ACTIONS)[number] | ControlAction;

export function isControlAction(s: string | undefined): s is ControlAction {
  return (CONTROL_ACTIONS as readonly (string | undefined)[]).includes(s);
}

/** RunArgs is a valid invocation. */
export interface RunArgs {
  readonly kind: 'run';
  readonly debug: boolean;
  /** The config argument as given (undefined: the one-argument form). */
  readonly config?: string;
  readonly action: Action;
  /** The words after a control action (`drain 10.0.0.2:80 --reason x`): control-args.ts reads them. */
  readonly actionArgs?: readonly string[];
  readonly confdir?: string;
  readonly piddir?: string;
  /** Seconds; NaN-free (validated here). */
  readonly stopTimeout?: number;
}

/** ParsedArgs is the outcome of parsing: help, version, a usage error, or a run. */
export type ParsedArgs =
  | { readonly kind: 'help' }
  | { readonly kind: 'version' }
  | { readonly kind: 'usage'; readonly message: string }
  | RunArgs;

function isAction(s: string): s is Action {
  return (ACTIONS as readonly string[]).includes(s) || isControlAction(s);
}

/**
 * controlSplit finds `[config] show|drain|enable words...` (the action first or second); the
 * original's two-word form always wins, so `ldirectord show status` still asks for status.
 */
function controlSplit(pos: readonly string[]): { config?: string; action: ControlAction; rest: string[] } | undefined {
  if (pos.length <= 2 && (ACTIONS as readonly string[]).includes(pos[pos.length - 1] ?? '')) return undefined;
  if (isControlAction(pos[0])) return { action: pos[0], rest: pos.slice(1) };
  if (isControlAction(pos[1])) return { config: pos[0], action: pos[1], rest: pos.slice(2) };
  return undefined;
}

/** runArgs turns the positional arguments (and the parsed options) into a run or a usage error. */
function runArgs(pos: readonly string[], opts: { debug?: boolean; confdir?: string; piddir?: string; stopTimeout?: string } = {}): ParsedArgs {
  if (pos.length === 0) return { kind: 'usage', message: 'no action given' };
  const ctl = controlSplit(pos);
  if (ctl) {
    if (ctl.config === '') return { kind: 'usage', message: 'empty configuration name' };
    const base = runArgs(ctl.config === undefined ? ['status'] : [ctl.config, 'status'], opts);
    return base.kind === 'run' ? { ...base, action: ctl.action, actionArgs: ctl.rest } : base;
  }
  if (pos.length > 2) return { kind: 'usage', message: `too many arguments: ${pos.join(' ')}` };
  const action = pos[pos.length - 1] as string;
  if (!isAction(action)) return { kind: 'usage', message: `unknown action: ${action}` };
  const config = pos.length === 2 ? pos[0] : undefined;
  if (config === '') return { kind: 'usage', message: 'empty configuration name' };

  let stopTimeout: number | undefined;
  const st = opts.stopTimeout;
  if (st !== undefined) {
    stopTimeout = Number(st);
    if (!/^\d+(\.\d+)?$/.test(st) || !Number.isFinite(stopTimeout)) {
      return { kind: 'usage', message: `--stop-timeout needs a number of seconds, not "${st}"` };
    }
  }
  return { kind: 'run', debug: opts.debug === true, config, action, confdir: opts.confdir, piddir: opts.piddir, stopTimeout };
}

/**
 * plainArgs parses the common `ldirectord [config] action` form, where no argument looks like an
 * option, without yargs: loading yargs costs about a second of every `start` in the kernel lab,
 * and with require_order such a command line is positionals only. Anything else: undefined.
 */
export function plainArgs(argv: readonly string[]): ParsedArgs | undefined {
  if (argv.length < 1 || argv.length > 2) return undefined;
  if (argv.some((a) => a === '' || a.startsWith('-'))) return undefined;
  return runArgs(argv);
}

/**
 * parseArgs parses the arguments after the program name. yargs is loaded here, on demand: the
 * daemon child gets its arguments already parsed and the plain form needs none of it.
 */
export async function parseArgs(argv: readonly string[]): Promise<ParsedArgs> {
  return plainArgs(argv) ?? yargsArgs(argv);
}

/** yargsArgs parses any command line with yargs (exported so tests can hold plainArgs to it). */
export async function yargsArgs(argv: readonly string[]): Promise<ParsedArgs> {
  const { default: yargs } = await import('yargs');
  let failure: string | undefined;
  const parsed = yargs([...argv])
    .version(false)
    .help(false)
    .parserConfiguration({
      'halt-at-non-option': true,
      'short-option-groups': true,
      'boolean-negation': false,
      'camel-case-expansion': false,
      'dot-notation': false,
      'parse-numbers': false,
      'parse-positional-numbers': false,
      'duplicate-arguments-array': false,
      'strip-aliased': true,
    })
    .option('debug', { alias: 'd', type: 'boolean' })
    .option('help', { alias: ['h', '?'], type: 'boolean' })
    .option('show-version', { alias: ['v', 'version'], type: 'boolean' })
    .option('confdir', { type: 'string', requiresArg: true })
    .option('piddir', { type: 'string', requiresArg: true })
    .option('stop-timeout', { type: 'string', requiresArg: true })
    .strict()
    .exitProcess(false)
    .fail((msg, err) => { failure = msg || err?.message || 'invalid arguments'; })
    .parseSync();
  if (failure !== undefined) return { kind: 'usage', message: failure };
  // ldirectord L896-911: help wins over version, and both win over the arguments.
  if (parsed.help) return { kind: 'help' };
  if (parsed['show-version']) return { kind: 'version' };

  return runArgs(parsed._.map(String), {
    debug: parsed.debug, confdir: parsed.confdir, piddir: parsed.piddir, stopTimeout: parsed['stop-timeout'],
  });
}
