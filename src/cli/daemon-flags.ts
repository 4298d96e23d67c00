/**
 * The V8 flags the detached daemon runs with. A daemon's heap is small and long-lived, but it
 * allocates steadily (every check), and V8's default young generation grows to 2 x 16 MB semi-spaces under that
 * load: a third of a 200-real daemon's resident memory, held for garbage (docs/benchmarks.md, "Daemon memory").
 * LDIRECTORD_NODE_FLAGS replaces the defaults (empty: none); a flag the user already gave node,
 * on its command line or in NODE_OPTIONS, is never overridden. bin/ldirectord's first line
 * carries the same defaults for the foreground daemon (test/cli/daemon-flags.test.ts keeps them equal).
 */

/** DEFAULT_DAEMON_NODE_FLAGS: young generation capped at 2 x 4 MiB (2 MiB cost CPU per check; see the doc). */
export const DEFAULT_DAEMON_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=4'];

const flagName = (f: string): string => f.split('=')[0]!.replace(/_/g, '-');

/**
 * daemonExecArgv is the node arguments of the detached daemon: our flags, then the caller's.
 * bin/ldirectord's `#!/usr/bin/env -S node <flags>` line gives every process run as a command
 * the defaults (the foreground daemon is that process): with LDIRECTORD_NODE_FLAGS set, a default
 * flag found verbatim in execArgv is taken as the shebang's and replaced too.
 */
export function daemonExecArgv(execArgv: readonly string[], env: NodeJS.ProcessEnv): string[] {
  const override = env.LDIRECTORD_NODE_FLAGS;
  const wanted = override !== undefined ? override.split(/\s+/).filter((f) => f !== '') : DEFAULT_DAEMON_NODE_FLAGS;
  const own = override !== undefined ? execArgv.filter((f) => !DEFAULT_DAEMON_NODE_FLAGS.includes(f)) : execArgv;
  const given = new Set([...own, ...(env.NODE_OPTIONS ?? '').split(/\s+/)].filter((f) => f.startsWith('--')).map(flagName));
  return [...wanted.filter((f) => !given.has(flagName(f))), ...own];
}
