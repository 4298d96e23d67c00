/**
 * Equivalent configurations for the three systems the engine benchmark runs side by side in the
 * kernel lab: our ldirectord and Debian's Perl ldirectord read the same ldirectord.cf; keepalived
 * gets the keepalived.conf that behaves the same way (HTTP GET of /.testpage every second, must
 * answer 200 with "Test Page", one failure takes a real out, a real enters only after a success).
 */
import { createHash } from 'node:crypto';

/** Layout: S services x R reals; VIPs 10.10.0.<s+1>, reals 127.<1+s/250>.<s%250>.<r+1> (all on lo). */
export interface Layout {
  readonly services: number;
  readonly realsPerService: number;
}

/** BenchVirtual is one service with its reals. */
export interface BenchVirtual {
  readonly vip: string;
  readonly port: number;
  readonly reals: readonly string[];
}

/** PAGE is what every real serves at /.testpage. */
export const PAGE = 'Test Page\n';

/** virtualsOf expands a layout (pure). */
export function virtualsOf(l: Layout): BenchVirtual[] {
  const out: BenchVirtual[] = [];
  for (let s = 0; s < l.services; s++) {
    const reals: string[] = [];
    for (let r = 0; r < l.realsPerService; r++) reals.push(`127.${1 + Math.floor(s / 250)}.${s % 250}.${r + 1}`);
    out.push({ vip: `10.10.${Math.floor(s / 250)}.${(s % 250) + 1}`, port: 80, reals });
  }
  return out;
}

/** renderLdirectordCf is the ldirectord.cf both ldirectords read (only directives both know). */
export function renderLdirectordCf(vs: readonly BenchVirtual[], logfile: string, intervalS = 1): string {
  const lines = ['checktimeout=3', 'negotiatetimeout=3', `checkinterval=${intervalS}`, 'quiescent=no', `logfile="${logfile}"`, ''];
  for (const v of vs) {
    lines.push(`virtual=${v.vip}:${v.port}`);
    for (const r of v.reals) lines.push(`\treal=${r}:80 gate`);
    lines.push('\tservice=http', '\tchecktype=negotiate', '\trequest=".testpage"', '\treceive="Test Page"', '\tscheduler=wrr', '\tprotocol=tcp', '');
  }
  return lines.join('\n');
}

/**
 * renderKeepalivedConf: `alpha` so reals start down and enter only after a passing check (as in
 * ldirectord; without it keepalived adds every real unchecked at start), `retry 0` so one failed
 * check takes a real out (ldirectord's failurecount=1), `fast_recovery` so one passing check
 * brings it in (ldirectord's one success), the same 3 s timeout and interval (1 s unless the
 * benchmark asks for a longer one: a guest that cannot check 10,000 reals a second).
 */
export function renderKeepalivedConf(vs: readonly BenchVirtual[], intervalS = 1): string {
  const digest = createHash('md5').update(PAGE).digest('hex');
  const out = ['global_defs {', '  router_id bench', '}', ''];
  for (const v of vs) {
    out.push(`virtual_server ${v.vip} ${v.port} {`, `  delay_loop ${intervalS}`, '  lb_algo wrr', '  lb_kind DR', '  protocol TCP', '  alpha');
    for (const r of v.reals) {
      out.push(
        `  real_server ${r} 80 {`, '    weight 1', '    HTTP_GET {',
        '      url {', '        path /.testpage', '        status_code 200', `        digest ${digest}`, '      }',
        '      connect_timeout 3', '      retry 0', '      fast_recovery', '    }', '  }',
      );
    }
    out.push('}', '');
  }
  return out.join('\n');
}
