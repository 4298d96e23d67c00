// Man pages from the docs: ldirectord(8) from docs/cli.md and ldirectord.cf(5) from docs/config.md.
// The user-facing sections are taken verbatim (chosen by heading), wrapped in the NAME/SYNOPSIS/
// FILES/SEE ALSO frame a man page needs, and converted by pandoc (Debian package `pandoc`).
// Developer sections (code layout, the engine seam, the test setup) are left out.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** sections splits markdown at `## ` headings: Map heading -> body (with the heading line). */
function sections(markdown) {
  const out = new Map();
  let name = '';
  for (const line of markdown.split('\n')) {
    if (line.startsWith('## ')) name = line.slice(3).trim();
    out.set(name, `${out.get(name) ?? ''}${line}\n`);
  }
  return out;
}

/** pick returns the named sections, each demoted to a man SECTION (# heading), links unwrapped. */
function pick(file, names) {
  const all = sections(readFileSync(file, 'utf8'));
  return names.map((n) => {
    const body = all.get(n);
    if (!body) throw new Error(`${file}: no section "## ${n}" (the man page generator names it)`);
    return body
      // Paragraphs about how a section is tested or coded speak to developers, not to admins.
      .split(/\n\n/).filter((para) => !/`(test|src|bench)\//.test(para)).join('\n\n')
      .replace(/^## (.*)$/m, (_, h) => `# ${h.replace(/`/g, '').toUpperCase()}`)
      .replace(/^### /gm, '## ')
      // Links point into the repository, which a man page reader does not have.
      .replace(/\[([^\]]+)\]\([^)]*\)/g, '$1')
      .replace(/\b[\w-]+\.md\b/g, 'the project documentation');
  }).join('\n');
}

const PAGES = {
  'ldirectord.8': (root, version) => ({
    title: 'LDIRECTORD', section: '8', version,
    body: `# NAME\n\nldirectord - Linux Virtual Server health monitor (ldirectord for Node.js)\n\n` +
      '# SYNOPSIS\n\n**ldirectord** [**-d**|**--debug**] [**--**] [*configfile*] ' +
      '**start**|**stop**|**restart**|**try-restart**|**reload**|**force-reload**|**status**|**configtest**\n\n' +
      '**ldirectord** **-h**|**--help**|**-v**|**--version**\n\n' +
      '# DESCRIPTION\n\nldirectord checks the real servers of the virtual services in *configfile* and keeps the ' +
      "kernel's IPVS table in line with their health. It is a drop-in replacement for the Perl ldirectord " +
      '(Debian 1:4.12.0): same command line, actions, exit codes, pid file and log format. The file format is ' +
      'in **ldirectord.cf**(5).\n\n' +
      pick(`${root}docs/cli.md`, ['Options', 'The config argument', 'Actions and exit codes', 'Signals (the running daemon)', 'Logging', '`execute=`', 'Environment (tests and packaging)', 'The pid file', 'Differences from the original']) +
      '\n# FILES\n\n/etc/ha.d/ldirectord.cf\n:   the default configuration\n\n' +
      '/etc/ha.d/*name*.cf, /etc/ha.d/conf/*name*\n:   configurations named on the command line\n\n' +
      '/run/ldirectord.*name*.pid\n:   pid file of a running daemon\n\n' +
      '/var/log/ldirectord.log\n:   the default log file\n\n' +
      '/etc/ha.d/resource.d/ldirectord\n:   the heartbeat resource script (a link to this command)\n\n' +
      '# SEE ALSO\n\n**ldirectord.cf**(5), **ipvsadm**(8), **systemd.service**(5)\n',
  }),
  'ldirectord.cf.5': (root, version) => ({
    title: 'LDIRECTORD.CF', section: '5', version,
    body: '# NAME\n\nldirectord.cf - configuration of ldirectord, the Linux Virtual Server health monitor\n\n' +
      '# DESCRIPTION\n\nAn ldirectord configuration names global settings and virtual services with their real ' +
      'servers and checks. The format is the Perl ldirectord\'s (Debian 1:4.12.0) with a few extensions, marked ' +
      '**extension**. `ldirectord <file> configtest` checks a file and prints every error with its file:line.\n\n' +
      pick(`${root}docs/config.md`, ['Lexical rules', 'Global directives', 'Connection sync (`syncdaemon=`)', '`virtual=` / `virtual6=`', '`real=` / `real6=`', 'Per-virtual directives', 'Effective timeouts', 'Fallback servers', 'Regular expressions']) +
      '\n# EXAMPLE\n\n```\n' + readFileSync(`${root}examples/www.cf`, 'utf8') + '```\n\n' +
      '# SEE ALSO\n\n**ldirectord**(8)\n',
  }),
};

/** renderMan returns the roff text of one page (`ldirectord.8` or `ldirectord.cf.5`). */
export function renderMan(root, page, version) {
  const p = PAGES[page](root, version);
  return execFileSync('pandoc', [
    '--standalone', '--from', 'markdown-smart', '--to', 'man',
    '--metadata', `title=${p.title}`, '--metadata', `section=${p.section}`,
    '--metadata', `footer=ldirectord-node ${p.version}`, '--metadata', 'header=System Manager\'s Manual',
    '--metadata', 'date=',
  ], { input: p.body, encoding: 'utf8' });
}

export const MAN_PAGES = Object.keys(PAGES);
