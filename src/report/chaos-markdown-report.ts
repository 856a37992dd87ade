import type { CellTimeline } from '../chaos/cell-timeline.js';
import type { ChaosResult } from '../chaos/chaos-result.js';
import { describeRun } from '../chaos/describe-run.js';
import { describeEngine } from '../docker/describe-engine.js';
import { escapeControl } from './escape-control.js';
import { cell, code, inline, row } from './markdown-report.js';

const HEADLINE: Record<ChaosResult['outcome'], string> = {
  'restore-failed': '🚨 **THE RESTORE FAILED**',
  'baseline-unstable': '⚠️ baseline unstable: no fault applied',
  breach: '❌ **BREACH**',
  'not-back': '❌ **not back**',
  inconclusive: '⚠️ inconclusive',
  held: '✅ held',
};

/**
 * A chaos drill in Markdown, for a step summary or a merge request note: the outcome (a failed restore first, with the
 * saved file), the fault and its command, the restore, the loop, one table row per cell with its timeline and its
 * status after the engine's own recovery and after the restore, then each breach window with its first and last
 * evidence.
 */
export function chaosMarkdownReport(result: ChaosResult): string {
  const e = (text: string) => inline(escapeControl(text));
  const fault = `--fault ${[result.fault.kind, ...result.fault.args].join(':')}`;
  const restore = result.fault.restore;
  const out = [`## dockprobe chaos ${code(fault)}: ${HEADLINE[result.outcome]}`, '', e(result.reason), ''];
  if (restore.status === 'failed' && restore.savedFile)
    out.push(
      `**What the fault changed is saved in ${code(restore.savedFile)}**: ${code(`dockprobe chaos --restore ${restore.savedFile}`)}`,
      '',
    );
  out.push(`- fault: ${e(result.fault.plan)}`);
  if (result.fault.appliedAtMs !== undefined)
    out.push(
      `- applied at ${result.fault.appliedAtMs} ms, for ${result.fault.appliedForMs ?? '?'} ms: ${e(result.fault.error ? `FAILED: ${result.fault.error}` : (result.fault.detail ?? ''))}`,
    );
  if (result.fault.command) out.push(`- command: ${e(describeRun(result.fault.command))}`);
  out.push(`- restore: ${restore.status}: ${e(restore.detail)}`);
  const l = result.loop;
  out.push(
    `- loop: ${l.rounds} rounds, each ${l.minMs} to ${l.maxMs} ms (median ${l.medianMs} ms); back on its own ${result.recoveredAfterMs !== undefined ? `${result.recoveredAfterMs} ms after the fault began` : 'never, within the deadline'}; after the restore ${result.restoredAfterMs !== undefined ? `in ${result.restoredAfterMs} ms` : 'never, within the deadline'}`,
    '',
  );
  if (result.cells.length > 0) {
    out.push(
      row(['cell', 'expected', 'before', 'timeline', "after the engine's recovery", 'after the restore']),
      row(['---', '---', '---', '---', '---', '---']),
    );
    for (const c of result.cells)
      out.push(
        row([
          cell(`${e(c.source)} → ${code(escapeControl(c.target))}`),
          c.expected,
          c.before,
          cell(timeline(c)),
          c.afterRecovery ?? 'not judged',
          c.back ? (c.afterRestore ?? 'not judged') : `**${c.afterRestore ?? 'not judged'}, NOT BACK**`,
        ]),
      );
    out.push('');
  }
  const windows = result.cells.flatMap((c) =>
    c.expected === 'blocked' ? c.spans.filter((s) => s.state === 'opened').map((s) => ({ c, s })) : [],
  );
  if (windows.length > 0) {
    out.push(`### Breach windows (${windows.length})`, '');
    for (const { c, s } of windows)
      out.push(
        `- ❌ ${e(c.source)} → ${e(c.target)} **opened for ${s.durationMs} ms** (rounds ${s.firstRound} to ${s.lastRound}, ${s.fromMs} to ${s.toMs} ms) at ${code(c.location)}`,
        `  - first: ${code(escapeControl(s.firstEvidence))}`,
        `  - last: ${code(escapeControl(s.lastEvidence))}`,
      );
    out.push('');
  }
  out.push(`<sub>${e(describeEngine(result.engine))}, run ${code(result.runId)}</sub>`);
  return `${out.join('\n')}\n`;
}

function timeline(c: CellTimeline): string {
  if (c.spans.length === 0) return 'held throughout';
  return c.spans
    .map((s) => {
      const what =
        s.state === 'opened' && c.expected === 'blocked'
          ? `**OPENED for ${s.durationMs} ms**`
          : `${s.state} for ${s.durationMs} ms`;
      return `${what} (${s.codes.map(code).join(', ')})`;
    })
    .join('<br>');
}
