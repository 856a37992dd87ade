import { formatPosition } from '../errors/scenario-error.js';
import type { Verdict } from '../judge/verdict.js';
import type { RunResult } from '../run-result.js';
import { colors } from './colors.js';
import { escapeControl, escapeResult } from './escape-control.js';
import { cellOutcome, evidenceText, madeBy, summaryLine, unique } from './pretty-report.js';

const MARK: Record<Verdict['status'], string> = {
  pass: '✅ pass',
  fail: '❌ **FAIL**',
  inconclusive: '⚠️ inconclusive',
};

/**
 * Markdown for `$GITHUB_STEP_SUMMARY` and merge request notes: the summary line, the zone matrix as a table, then each
 * mismatch and inconclusive cell with its reason, code, place in the scenario and evidence.
 */
export function markdownReport(raw: RunResult): string {
  const result = escapeResult(raw);
  const sources = unique(result.verdicts.map((v) => v.source));
  const targets = unique(result.verdicts.map((v) => v.target));
  const out = [
    `## dockprobe: ${result.summary.fail > 0 ? 'FAIL' : result.summary.inconclusive > 0 ? 'inconclusive' : 'pass'}`,
    '',
    summaryLine(result, colors(false)),
    '',
  ];
  if (result.verdicts.length > 0) {
    out.push(row(['from \\ to', ...targets.map((t) => cell(code(t)))]), row(['---', ...targets.map(() => '---')]));
    for (const source of sources) {
      const cells = targets.map((target) => {
        const here = result.verdicts.filter((v) => v.source === source && v.target === target);
        return here.length === 0 ? '·' : here.map((v) => `${MARK[v.status]} ${cellOutcome(v)}`).join('<br>');
      });
      out.push(row([`**${cell(source)}**`, ...cells.map(cell)]));
    }
    out.push('');
  }
  for (const [status, heading] of [
    ['fail', 'Mismatches'],
    ['inconclusive', 'Inconclusive'],
  ] as const) {
    const these = result.verdicts.filter((v) => v.status === status);
    if (these.length === 0) continue;
    out.push(`### ${heading} (${these.length})`, '');
    for (const v of these) {
      out.push(
        `- ${MARK[v.status]} ${inline(v.source)} → ${inline(v.target)} (expected ${v.expected}): ${inline(v.reason)}`,
        `  - ${code(v.code)}${v.probeErrorCode ? ` ${code(v.probeErrorCode)}` : ''} ${inline(v.expectation)} at ${code(v.location)}`,
        ...v.evidence.map((e) => `  - ${code(escapeControl(evidenceText(e)))}`),
      );
    }
    out.push('');
  }
  if (result.staticFindings.length > 0) {
    out.push(`### Rules the deployment's configuration contradicts (${result.staticFindings.length})`, '');
    for (const f of result.staticFindings) {
      out.push(`- rule ${f.rule} (${inline(f.says)}): ${inline(f.reason)} at ${code(f.location)}`);
      for (const l of f.compose) out.push(`  - ${code(`${formatPosition(l)}: ${l.text}`)}`);
    }
    out.push('');
  }
  out.push(`<sub>${inline(madeBy(result))}, run ${code(result.runId)}</sub>`);
  return `${out.join('\n')}\n`;
}

/** A table row. */
export function row(cells: readonly string[]): string {
  return `| ${cells.join(' | ')} |`;
}

/** Text inside a table cell: a `|` would end the cell, a line break the row. */
export function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, '<br>');
}

/** Text that came from a file or the engine, shown as text: no markup, link or HTML of its own. */
export function inline(text: string): string {
  return text.replace(/[\\`*_[\]<>|#~]/g, (ch) => `\\${ch}`);
}

/** A code span: a backtick inside is fenced by a longer run of them. In a table cell, pass it through {@link cell}. */
export function code(text: string): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}
