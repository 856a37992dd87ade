import { describeEngine } from '../docker/describe-engine.js';
import type { Colors } from '../report/colors.js';
import { escapeControl } from '../report/escape-control.js';
import type { CellTimeline } from './cell-timeline.js';
import type { ChaosResult } from './chaos-result.js';
import { describeRun } from './describe-run.js';

/**
 * A drill for a person: the fault and its restore, what the loop sustained, each cell's timeline (held cells only
 * counted unless verbose), and the outcome last. A failed restore is said first and last, in bold red, with the saved
 * file. Names from the engine are shown, never sent raw (escapeControl).
 */
export function prettyChaosReport(result: ChaosResult, c: Colors, verbose = false): string {
  const e = escapeControl;
  const lines: string[] = [];
  const restore = result.fault.restore;
  const loud = (text: string) => c.red(c.bold(text));
  if (restore.status === 'failed')
    lines.push(
      loud(`THE RESTORE FAILED: ${e(restore.detail)}${restore.savedFile ? ` (saved: ${restore.savedFile})` : ''}`),
    );
  lines.push(
    `chaos drill ${result.runId} on the ${e(describeEngine(result.engine))}: --fault ${e([result.fault.kind, ...result.fault.args].join(' '))}`,
  );
  lines.push(`  fault: ${e(result.fault.plan)}`);
  if (result.fault.appliedAtMs !== undefined)
    lines.push(
      `  applied at ${result.fault.appliedAtMs} ms, for ${result.fault.appliedForMs ?? '?'} ms: ${e(result.fault.error ? `FAILED: ${result.fault.error}` : (result.fault.detail ?? ''))}`,
    );
  const run = result.fault.command;
  if (run)
    lines.push(
      `  command: ${e(describeRun(run))}${run.output.trim() ? `; its output ends: ${e(run.output.trim().split('\n').slice(-3).join(' | '))}` : ''}`,
    );
  lines.push(`  restore: ${restore.status}: ${e(restore.detail)}`);
  const l = result.loop;
  lines.push(
    `  loop: ${l.rounds} rounds on warm probes, each ${l.minMs} to ${l.maxMs} ms (median ${l.medianMs} ms); back on its own ${result.recoveredAfterMs !== undefined ? `${result.recoveredAfterMs} ms after the fault began` : c.yellow('never, within the deadline')}; after the restore ${result.restoredAfterMs !== undefined ? `in ${result.restoredAfterMs} ms` : c.yellow('never, within the deadline')}`,
  );
  for (const cell of result.cells) {
    if (!verbose && cell.outcome === 'held' && cell.back) continue;
    lines.push(cellLine(cell, c));
    for (const s of cell.spans)
      lines.push(
        `      ${s.state} for ${s.durationMs} ms (rounds ${s.firstRound} to ${s.lastRound}, ${s.fromMs} to ${s.toMs} ms); first: ${e(s.firstEvidence)}${s.lastRound !== s.firstRound ? `; last: ${e(s.lastEvidence)}` : ''}`,
      );
  }
  const s = result.summary;
  lines.push(
    `${s.cells} cells: ${s.held} held throughout, ${s.opened} opened, ${s.closed} closed, ${s.unknown} unknown for a while, ${s.notBack} not back`,
  );
  const said = `${result.outcome}: ${e(result.reason)}`;
  lines.push(
    result.outcome === 'held'
      ? c.green(said)
      : result.outcome === 'breach' || result.outcome === 'not-back'
        ? c.red(c.bold(said))
        : result.outcome === 'restore-failed'
          ? loud(said)
          : c.yellow(said),
  );
  if (result.cleanupFailures.length > 0)
    lines.push(c.yellow(`left behind: ${result.cleanupFailures.map(e).join('; ')} (dockprobe cleanup removes it)`));
  return lines.join('\n');
}

function cellLine(cell: CellTimeline, c: Colors): string {
  const e = escapeControl;
  const what =
    cell.outcome === 'held'
      ? c.green('held')
      : cell.outcome === 'opened'
        ? cell.expected === 'blocked'
          ? c.red(c.bold(`OPENED for ${cell.openedMs} ms`))
          : `opened for ${cell.openedMs} ms`
        : cell.outcome === 'closed'
          ? `closed for ${cell.closedMs} ms`
          : c.yellow(`unknown for ${cell.unknownMs} ms`);
  const status = (x: string | undefined) => (x === 'fail' ? 'FAIL' : (x ?? 'not judged'));
  return `  ${what} ${e(cell.source)} → ${e(cell.target)} (expected ${cell.expected}, was ${status(cell.before)}): after the engine's own recovery ${status(cell.afterRecovery)}, after the restore ${cell.back ? status(cell.afterRestore) : c.red(c.bold(`${status(cell.afterRestore)}, NOT BACK`))}`;
}
