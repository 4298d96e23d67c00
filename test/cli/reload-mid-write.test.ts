// `ldirectord www reload` typed while the .cf is still being written (a script in the middle of
// its redirection, `sed -i ... && ldirectord www reload` racing an editor): the command reads the
// file the way the daemon's HUP does (once no process writes it and it has been quiet), so it
// validates the whole new file, not the torn prefix, and the daemon gets its HUP.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import { loadConfigText } from '../../src/config/index.js';
import { alive, BASIC, Sandbox, waitFor } from './helpers.js';

// The new file: a second virtual. PREFIX stops inside a real's address, so on its own it is a
// config error at its last line; the writer holds the file open between the two parts.
const PREFIX = `${BASIC}virtual=127.0.0.1:81\n\treal=127.0.0.`;
const REST = '3:81 gate\n\tservice=http\n\tchecktype=connect\n';

test('reload while a writer is mid-file: exit 0, no config error, the daemon reloads the whole file', { timeout: 120_000 }, async () => {
  const sb = new Sandbox();
  try {
    const file = sb.writeConfig('www', BASIC);
    const logLine = `logfile="${sb.log}"\n`;
    // The premise: the prefix alone is what the old reload validated, and it is an error.
    const torn = await loadConfigText(`${logLine}${PREFIX}`, file, { name: 'www' });
    assert.equal(torn.ok, false, 'the torn prefix is a config error');
    const whole = await loadConfigText(`${logLine}${PREFIX}${REST}`, file, { name: 'www' });
    assert.equal(whole.ok, true, 'the whole file is valid');

    const started = await sb.ldirectord(['www', 'start']);
    assert.equal(started.code, 0, started.stderr);
    const pid = sb.readPid('www')!;
    sb.extraPids.add(pid);

    // One redirection, two parts 3 s apart: the file is open for writing in between.
    const writer = spawn('/bin/sh', ['-c', '{ printf "%s" "$A"; sleep 3; printf "%s" "$B"; } > "$1"', 'sh', file],
      { stdio: 'ignore', env: { ...process.env, A: `${logLine}${PREFIX}`, B: REST } });
    let writerDone = 0;
    const writerExit = new Promise<void>((resolve) => writer.on('exit', () => { writerDone = Date.now(); resolve(); }));
    assert.ok(await waitFor(() => statSync(file).size === Buffer.byteLength(`${logLine}${PREFIX}`), 10_000), 'the first part is written');

    const r = await sb.ldirectord(['www', 'reload']);
    const returned = Date.now();
    await writerExit;
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /error/);
    assert.ok(writerDone > 0 && writerDone <= returned, 'reload read the file only after the writer closed it');
    assert.ok(await waitFor(() => /idle engine reloaded .* \(2 virtual services\)/.test(sb.readLog()), 30_000), sb.readLog());
    assert.ok(alive(pid), 'the same daemon runs');
  } finally { sb.cleanup(); }
});
