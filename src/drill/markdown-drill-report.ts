import { hostPort } from '../plan/checks.js';
import { escapeControl } from '../report/escape-control.js';
import { cell, code, inline, row } from '../report/markdown-report.js';
import { madeBy } from '../report/pretty-report.js';
import { formatDuration } from '../scenario/duration.js';
import type { DrillResult, DrillRow } from './drill-result.js';

/**
 * `drill --format markdown`: the counts, then what each source reaches as a table (riskiest first, as the rows are
 * sorted), then what stayed inconclusive and why. A drill judges nothing against a file: no row is a mismatch.
 */
export function markdownDrillReport(result: DrillResult): string {
  const s = result.summary;
  const e = (text: string) => cell(inline(escapeControl(text)));
  const out = [
    `## dockprobe drill from ${inline(escapeControl(result.from))}`,
    '',
    `${result.rows.length} targets tried: ${s.reached} reached, ${s.pathOpen} path open, ${s.blocked} blocked, ${s.inconclusive} inconclusive in ${formatDuration(result.durationMs)} (drill ${code(result.runId)})`,
    '',
  ];
  const reached = result.rows.filter((r) => r.status === 'reached');
  if (reached.length > 0) {
    out.push(row(['from', 'reaches', 'what', 'seen', 'code']), row(['---', '---', '---', '---', '---']));
    for (const r of reached)
      out.push(
        row([
          e(r.source),
          cell(code(escapeControl(r.target))),
          r.risk.kind === 'docker-api' || r.risk.kind === 'database' ? `**${e(riskOf(r))}**` : e(riskOf(r)),
          e(seen(r)),
          cell(code(r.code)),
        ]),
      );
    out.push('');
  } else out.push('Nothing reached.', '');
  const unclear = result.rows.filter((r) => r.status === 'inconclusive');
  if (unclear.length > 0) {
    out.push(`### Inconclusive (${unclear.length})`, '');
    for (const r of unclear)
      out.push(
        `- ${inline(escapeControl(r.source))} → ${code(escapeControl(r.target))}: ${inline(escapeControl(r.reason))} ${code(r.code)}`,
      );
    out.push('');
  }
  for (const u of result.unprobed)
    out.push(`- not probed: ${inline(escapeControl(u.source))}: ${inline(escapeControl(u.reason))} ${code(u.code)}`);
  out.push(`<sub>${inline(madeBy(result))}</sub>`);
  return `${out.join('\n')}\n`;
}

/** A row's risk: `database (PostgreSQL)`. */
export function riskOf(r: DrillRow): string {
  return `${r.risk.kind}${r.risk.name ? ` (${r.risk.name})` : ''}`;
}

/** What a row's probe saw: `open 172.19.0.3:5432 in 2ms`, or its reason where nothing was seen. */
export function seen(r: DrillRow): string {
  if (r.kind === 'egress' || !r.evidence) return r.reason;
  const x = r.evidence;
  return `${x.outcome}${x.status !== undefined ? ` ${x.status}` : ''}${x.address ? ` ${hostPort(x.address, x.port)}` : ''} in ${formatDuration(x.latencyMs)}`;
}
