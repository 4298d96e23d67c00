#!/usr/bin/env node
/**
 * ldirectord-wired: the real CLI (runCli) with the real director and netlink driver behind the
 * daemon's Engine seam. It exists for the end-to-end tests and benchmarks only while the
 * shipped composition root (src/cli/main.ts) still runs the idle engine; its file name contains
 * "ldirectord" because the daemon re-runs this script and the stale-pid check looks for that.
 */
import { runCheck } from '../../src/checks/run.js';
import { loadConfig, resolveConfigPath, summarize } from '../../src/config/index.js';
import type { Engine, EngineFactory } from '../../src/daemon/engine.js';
import { createDirector, type Director } from '../../src/director/index.js';
import { openIpvs, type IpvsHandle } from '../../src/ipvs/index.js';
import { runCli } from '../../src/cli/run.js';
import { systemClock } from '../../src/util/clock.js';

/** directorEngineFactory opens IPVS at start and drives a director over it. */
const directorEngineFactory: EngineFactory = (config, { logger, clock }): Engine => {
  let ipvs: IpvsHandle | undefined;
  let director: Director | undefined;
  return {
    async start() {
      ipvs = await openIpvs({ logger, clock });
      director = createDirector(config, { ipvs, clock, logger, runCheck });
      await director.start();
    },
    async reload(next) {
      await director?.reload(next);
    },
    async stop() {
      await director?.stop();
      await ipvs?.close();
      director = undefined;
      ipvs = undefined;
    },
  };
};

const outcome = await runCli({
  io: {
    stdout: (s) => { process.stdout.write(s); },
    stderr: (s) => { process.stderr.write(s); },
  },
  env: process.env,
  cwd: process.cwd(),
  clock: systemClock(),
  pid: process.pid,
  configApi: { loadConfig, resolveConfigPath, summarize },
  engineFactory: directorEngineFactory,
  command: { execPath: process.execPath, execArgv: process.execArgv, script: process.argv[1] ?? '' },
  rawArgs: process.argv.slice(2),
});
if (outcome !== 'foreground') process.exit(outcome);
