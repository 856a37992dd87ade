import { formatPosition } from '../errors/scenario-error.js';
import type { Verdict } from '../judge/verdict.js';
import { VERSION } from '../package-paths.js';
import type { RunResult } from '../run-result.js';
import { formatDuration } from '../scenario/duration.js';
import { colors } from './colors.js';
import { escapeResult } from './escape-control.js';
import { escapeHtml, htmlPage, type PageItem, type PageStatus } from './html-page.js';
import { cellOutcome, evidenceText, madeBy, summaryLine, unique } from './pretty-report.js';

const STATUSES: readonly PageStatus[] = [
  { status: 'fail', word: 'FAIL', tone: 'bad' },
  { status: 'inconclusive', word: 'inconclusive', tone: 'warn' },
  { status: 'pass', word: 'pass', tone: 'good' },
];

/**
 * `--html` of a run (`test`): one self-contained page (no network at view time), the run's summary, engine and
 * versions, the zone matrix with each cell's evidence on click, filters by verdict, then the rules the configuration
 * contradicts. The page is the one a drill's is (report/html-page.ts).
 */
export function htmlReport(raw: RunResult): string {
  const result = escapeResult(raw);
  const s = result.summary;
  const overall = s.fail > 0 ? 'FAIL' : s.inconclusive > 0 ? 'inconclusive' : 'pass';
  const findings = result.staticFindings.map(
    (f) =>
      `<li>rule ${f.rule} (${escapeHtml(f.says)}): ${escapeHtml(f.reason)} <code>${escapeHtml(f.location)}</code>${f.compose
        .map((l) => `<br><code>${escapeHtml(`${formatPosition(l)}: ${l.text}`)}</code>`)
        .join('')}</li>`,
  );
  return htmlPage({
    heading: `dockprobe: ${overall}`,
    runId: result.runId,
    summary: summaryLine(result, colors(false)),
    madeBy: `${madeBy(result)}; dockprobe ${VERSION}, probe image ${result.image}; engine at ${result.engine.endpoint} (${result.engine.os}/${result.engine.arch}); started ${result.startedAt}, took ${formatDuration(result.durationMs)}`,
    moreHtml: [`Scenarios: ${result.scenarios.map((f) => `<code>${escapeHtml(f)}</code>`).join(', ') || 'none'}`],
    statuses: STATUSES,
    sources: unique(result.verdicts.map((v) => v.source)),
    targets: unique(result.verdicts.map((v) => v.target)),
    items: result.verdicts.map(verdictItem),
    sectionsHtml: [
      ...(findings.length > 0
        ? [
            `<h2>Rules the deployment's configuration contradicts (${findings.length})</h2>\n<ul id="static-findings">${findings.join('')}</ul>\n`,
          ]
        : []),
      ...(result.cleanupFailures.length > 0 ? [cleanupSection(result.runId, result.cleanupFailures)] : []),
    ],
  });
}

// A cell's verdict: its outcome, and on click the expectation, reason, code, place and evidence.
function verdictItem(v: Verdict): PageItem {
  const evidence = v.evidence.map((e) => `<li><code>${escapeHtml(evidenceText(e))}</code></li>`).join('');
  return {
    source: v.source,
    target: v.target,
    status: v.status,
    data: { code: v.code },
    summary: cellOutcome(v),
    detailHtml: `<p>expected ${v.expected}: ${escapeHtml(v.reason)}</p><p><code>[${escapeHtml(v.code)}]${v.probeErrorCode ? ` [${escapeHtml(v.probeErrorCode)}]` : ''}</code> ${escapeHtml(v.expectation)} at <code>${escapeHtml(v.location)}</code></p>${evidence ? `<ul>${evidence}</ul>` : '<p>no evidence recorded</p>'}`,
  };
}

/** What a run could not remove, and the command that does. */
export function cleanupSection(runId: string, failures: readonly string[]): string {
  return `<h2>Could not remove</h2>\n<p>Run <code>dockprobe cleanup --run ${escapeHtml(runId)}</code>:</p><ul>${failures.map((f) => `<li>${escapeHtml(f)}</li>`).join('')}</ul>\n`;
}
