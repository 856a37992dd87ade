import { type CellTimeline, isBreach } from '../chaos/cell-timeline.js';
import type { ChaosResult } from '../chaos/chaos-result.js';
import { describeRun } from '../chaos/describe-run.js';
import { describeEngine } from '../docker/describe-engine.js';
import { escapeControl } from './escape-control.js';
import { escapeHtml, htmlPage, type PageItem, type PageStatus } from './html-page.js';
import { cleanupSection } from './html-report.js';

const STATUSES: readonly PageStatus[] = [
  { status: 'breach', word: 'OPENED', tone: 'bad' },
  { status: 'not-back', word: 'not back', tone: 'bad' },
  { status: 'unknown', word: 'unknown', tone: 'warn' },
  { status: 'closed', word: 'closed', tone: 'quiet' },
  { status: 'opened', word: 'opened', tone: 'quiet' },
  { status: 'held', word: 'held', tone: 'good' },
];

const HEADLINE: Record<ChaosResult['outcome'], string> = {
  'restore-failed': 'THE RESTORE FAILED',
  'baseline-unstable': 'baseline unstable: no fault applied',
  breach: 'BREACH',
  'not-back': 'not back',
  inconclusive: 'inconclusive',
  held: 'held',
};

/**
 * `chaos --html`: the page `test --html` writes (report/html-page.ts), filled with the drill's cells: each source a
 * row, each target a column, each cell an item whose status is what it went through (a breach window and a cell not
 * back after the restore first), and on click its timeline: every span with its rounds, times, codes and first and
 * last evidence, its status before the fault, after the engine's own recovery and after the restore. A failed restore
 * is said above everything, with the saved file and the command that loads it.
 */
export function chaosHtmlReport(result: ChaosResult): string {
  const e = (text: string) => escapeHtml(escapeControl(text));
  const fault = `--fault ${[result.fault.kind, ...result.fault.args].join(':')}`;
  const restore = result.fault.restore;
  const more: string[] = [];
  if (restore.status === 'failed')
    more.push(
      `<strong id="restore-failed">THE RESTORE FAILED: ${e(restore.detail)}${restore.savedFile ? `. What the fault changed is saved in <code>${e(restore.savedFile)}</code>: <code>${e(`dockprobe chaos --restore ${restore.savedFile}`)}</code>` : ''}</strong>`,
    );
  more.push(`fault: ${e(result.fault.plan)}`);
  if (result.fault.appliedAtMs !== undefined)
    more.push(
      `applied at ${result.fault.appliedAtMs} ms, for ${result.fault.appliedForMs ?? '?'} ms: ${e(result.fault.error ? `FAILED: ${result.fault.error}` : (result.fault.detail ?? ''))}`,
    );
  if (result.fault.command) more.push(`command: ${e(describeRun(result.fault.command))}`);
  more.push(`restore: ${e(`${restore.status}: ${restore.detail}`)}`);
  const l = result.loop;
  more.push(
    `loop: ${l.rounds} rounds of ${l.minMs} to ${l.maxMs} ms (median ${l.medianMs}); back on its own: ${result.recoveredAfterMs === undefined ? 'no' : `after ${result.recoveredAfterMs} ms`}; back after the restore: ${result.restoredAfterMs === undefined ? 'no' : `after ${result.restoredAfterMs} ms`}`,
  );
  const sources = [...new Set(result.cells.map((c) => escapeControl(c.source)))];
  const targets = [...new Set(result.cells.map((c) => escapeControl(c.target)))];
  const s = result.summary;
  return htmlPage({
    heading: `dockprobe chaos ${fault}: ${HEADLINE[result.outcome]}`,
    runId: result.runId,
    summary: `${escapeControl(result.reason)} (${s.held} held, ${s.opened} opened, ${s.closed} closed, ${s.unknown} unknown, ${s.notBack} not back of ${s.cells} cells)`,
    madeBy: `${describeEngine(result.engine)}; engine at ${result.engine.endpoint}; started ${result.startedAt}, ${result.durationMs} ms`,
    moreHtml: more,
    statuses: STATUSES,
    sources,
    targets,
    items: result.cells.map(cellItem),
    sectionsHtml: result.cleanupFailures.length > 0 ? [cleanupSection(result.runId, result.cleanupFailures)] : [],
  });
}

/** What a cell is shown as: a breach window, then not back, then what it went through. */
export function chaosCellStatus(c: CellTimeline): string {
  if (isBreach(c)) return 'breach';
  if (!c.back) return 'not-back';
  return c.outcome;
}

// A cell: how long it left its path (or held), and on click every span with its evidence and where it ended.
function cellItem(c: CellTimeline): PageItem {
  const e = (text: string) => escapeHtml(escapeControl(text));
  const longest = { opened: c.openedMs, unknown: c.unknownMs, closed: c.closedMs } as const;
  const summary = c.outcome === 'held' ? `${c.expected}` : `${c.expected}: ${c.outcome} for ${longest[c.outcome]} ms`;
  const spans = c.spans
    .map(
      (s) =>
        `<li><strong>${e(s.state)} for ${s.durationMs} ms</strong>, rounds ${s.firstRound} to ${s.lastRound} (${s.fromMs} to ${s.toMs} ms into the drill) <code>${e(s.codes.join(', '))}</code><br>first: <code>${e(s.firstEvidence)}</code>${s.lastRound !== s.firstRound ? `<br>last: <code>${e(s.lastEvidence)}</code>` : ''}</li>`,
    )
    .join('');
  return {
    source: escapeControl(c.source),
    target: escapeControl(c.target),
    status: chaosCellStatus(c),
    data: { outcome: c.outcome, back: String(c.back) },
    summary,
    detailHtml: `<p>${e(c.expectation)} (${e(c.location)})</p><p>before the fault: ${c.before}; after the engine's own recovery: ${c.afterRecovery ?? 'not judged'}; after the restore: ${c.afterRestore ?? 'not judged'}</p>${spans ? `<ul>${spans}</ul>` : '<p>held throughout</p>'}`,
  };
}
