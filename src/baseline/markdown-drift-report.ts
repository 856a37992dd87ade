import { escapeControl } from '../report/escape-control.js';
import { cell, code, inline, row } from '../report/markdown-report.js';
import { driftFails } from './drift.js';
import { driftText, driftWord, type DriftReport } from './drift-report.js';

/** The differences from a baseline as Markdown: a closing line as the pretty drift's, then a table of them. */
export function markdownDrift(report: DriftReport): string {
  const fails = driftFails(report.drift, report.failOn);
  const out = [
    `## dockprobe: ${fails ? 'drift' : 'no failing drift'} from ${code(escapeControl(report.baseline.file))}`,
    '',
    `${report.drift.length} difference(s) (baseline ${inline(report.baseline.createdAt)}, engine ${inline(report.baseline.engine)}; now engine ${inline(report.now.engine)}, run ${code(report.now.runId)}); failing on: ${report.failOn}`,
  ];
  if (report.drift.length > 0) {
    out.push('', row(['change', 'what', 'fails the run']), row(['---', '---', '---']));
    for (const d of report.drift)
      out.push(
        row([
          `**${driftWord(d)}**`,
          cell(inline(escapeControl(driftText(d)))),
          driftFails([d], report.failOn) ? 'yes' : 'no',
        ]),
      );
  }
  return `${out.join('\n')}\n`;
}
