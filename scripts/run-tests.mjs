// The project's test command: host tests (node --test over dist/test, except the kernel-only
// tests), then the kernel lab (real IPVS in User-Mode Linux). Prints one combined closing line.
//   --no-lab     host tests only        --lab-only   kernel lab only
import { spawn } from 'node:child_process';
import { readdirSync, statSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const args = new Set(process.argv.slice(2));
const filter = process.argv.slice(2).filter((a) => !a.startsWith('--'));

function collect(dir, out = []) {
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) {
      // kernel/ holds tests that only run inside the lab; lab/ holds the runner itself.
      if (name === 'kernel' || name === 'fixtures') continue;
      collect(p, out);
    } else if (name.endsWith('.test.js')) out.push(p);
  }
  return out;
}

function run(cmd, argv) {
  return new Promise((resolve) => {
    let pass = 0, fail = 0, buf = '';
    const child = spawn(cmd, argv, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    child.stdout.on('data', (d) => {
      process.stdout.write(d);
      buf += d.toString();
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i); buf = buf.slice(i + 1);
        let m;
        if ((m = /^(?:ℹ|#) pass (\d+)/.exec(line))) pass += Number(m[1]);
        if ((m = /^(?:ℹ|#) fail (\d+)/.exec(line))) fail += Number(m[1]);
      }
    });
    child.on('close', (code) => resolve({ code: code ?? 1, pass, fail }));
  });
}

let pass = 0, fail = 0, code = 0;
if (!args.has('--lab-only')) {
  let files = collect(join(root, 'dist/test'));
  if (filter.length) files = files.filter((f) => filter.some((s) => f.includes(s)));
  console.log(`host tests: ${files.length} files`);
  const r = await run(process.execPath, ['--test', '--test-concurrency=2', ...files.map((f) => relative(root, f))]);
  pass += r.pass; fail += r.fail; if (r.code !== 0) code = r.code;
}
if (!args.has('--no-lab')) {
  const lab = join(root, 'dist/test/lab/run-kernel-tests.js');
  if (!existsSync(lab)) {
    console.error('kernel lab runner missing: dist/test/lab/run-kernel-tests.js');
    code = code || 1; fail += 1;
  } else {
    const r = await run(process.execPath, [lab]);
    pass += r.pass; fail += r.fail; if (r.code !== 0) code = code || r.code;
  }
}
console.log(`\ntests: ${pass} passed, ${fail} failed`);
process.exit(code);
