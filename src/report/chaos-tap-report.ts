import type { CellTimeline } from '../chaos/cell-timeline.js';
import type { ChaosResult } from '../chaos/chaos-result.js';
import { describeRun } from '../chaos/describe-run.js';
import { describeEngine } from '../docker/describe-engine.js';
import { escapeControl } from './escape-control.js';
import { findingsOfChaosCell } from './report-findings.js';

/**
 * A chaos drill as TAP version 14, as `test`'s TAP says a run: a point for the fault, one for its restore, then one
 * per cell at its scenario line. A breach window, a cell not back after the restore and a failed restore are `not ok`;
 * what leaves the drill unproven (a cell expected blocked that could not be told for a while, a fault that failed or
 * was not applied because the verdicts before it were not steady) is `not ok … # TODO inconclusive`, so a harness
 * shows it without counting it as a failure; the exit code still does. Each point's YAML block holds its timeline and
 * the findings' words (the same as SARIF's and JUnit's).
 */
export function chaosTapReport(result: ChaosResult, cwd: string = process.cwd()): string {
  const e = escapeControl;
  const q = (text: string) => JSON.stringify(e(text));
  const name = (text: string) => e(text).replace(/#/g, '\\#');
  const fault = `--fault ${[result.fault.kind, ...result.fault.args].join(':')}`;
  const restore = result.fault.restore;
  const lines = ['TAP version 14', `1..${2 + result.cells.length}`];
  const point = (ok: boolean, n: number, title: string, directive: string, yaml: string[]) =>
    lines.push(
      `${ok ? 'ok' : 'not ok'} ${n} - ${name(title)}${directive ? ` # ${directive}` : ''}`,
      '  ---',
      ...yaml.map((l) => `  ${l}`),
      '  ...',
    );

  const applied = result.fault.appliedAtMs !== undefined;
  const faultYaml = [`plan: ${q(result.fault.plan)}`];
  if (applied) faultYaml.push(`applied_at_ms: ${result.fault.appliedAtMs}`);
  if (result.fault.appliedForMs !== undefined) faultYaml.push(`applied_for_ms: ${result.fault.appliedForMs}`);
  if (result.fault.detail) faultYaml.push(`detail: ${q(result.fault.detail)}`);
  if (result.fault.error) faultYaml.push(`error: ${q(result.fault.error)}`);
  if (result.fault.command) faultYaml.push(`command: ${q(describeRun(result.fault.command))}`);
  if (result.recoveredAfterMs !== undefined) faultYaml.push(`recovered_after_ms: ${result.recoveredAfterMs}`);
  if (!applied) faultYaml.push(`reason: ${q(result.reason)}`);
  const faultOk = applied && !result.fault.error;
  point(
    faultOk,
    1,
    `${fault} ${!applied ? 'not applied' : result.fault.error ? 'failed' : 'applied'}`,
    faultOk ? '' : 'TODO inconclusive',
    faultYaml,
  );

  const restoreYaml = [`status: ${restore.status}`, `detail: ${q(restore.detail)}`];
  if (restore.savedFile)
    restoreYaml.push(
      `saved_file: ${q(restore.savedFile)}`,
      `restore_command: ${q(`dockprobe chaos --restore ${restore.savedFile}`)}`,
    );
  if (result.restoredAfterMs !== undefined) restoreYaml.push(`back_after_ms: ${result.restoredAfterMs}`);
  point(
    restore.status !== 'failed',
    2,
    `${restore.status === 'failed' ? 'THE RESTORE FAILED' : 'restore'} after ${fault}`,
    restore.status === 'not-applied' ? 'SKIP the fault was not applied' : '',
    restoreYaml,
  );

  result.cells.forEach((c, i) => {
    const found = findingsOfChaosCell(result, c, cwd);
    const failed = found.some((f) => f.level === 'error');
    const unproven = !failed && found.some((f) => f.level === 'warning');
    point(
      !failed && !unproven,
      3 + i,
      `${c.source} -> ${c.target} ${c.expected}`,
      unproven ? 'TODO inconclusive' : '',
      cellYaml(c, found, q),
    );
  });

  lines.push(`# ${describeEngine(result.engine)}`);
  lines.push(
    `# loop: ${result.loop.rounds} rounds, ${result.loop.minMs} / ${result.loop.medianMs} / ${result.loop.maxMs} ms (min / median / max)`,
  );
  const s = result.summary;
  lines.push(
    `# ${s.held} held, ${s.opened} opened, ${s.closed} closed, ${s.unknown} unknown, ${s.notBack} not back of ${s.cells} cells (run ${result.runId})`,
  );
  lines.push(`# ${result.outcome}: ${e(result.reason)}`);
  return `${lines.join('\n')}\n`;
}

function cellYaml(
  c: CellTimeline,
  found: ReturnType<typeof findingsOfChaosCell>,
  q: (text: string) => string,
): string[] {
  const yaml = [
    `outcome: ${c.outcome}`,
    `before: ${c.before}`,
    `after_recovery: ${c.afterRecovery ?? 'not-judged'}`,
    `after_restore: ${c.afterRestore ?? 'not-judged'}`,
    `back: ${c.back}`,
  ];
  for (const [key, ms] of [
    ['opened_ms', c.openedMs],
    ['closed_ms', c.closedMs],
    ['unknown_ms', c.unknownMs],
  ] as const)
    if (ms > 0) yaml.push(`${key}: ${ms}`);
  yaml.push(`at: ${q(c.location)}`);
  if (c.spans.length > 0) {
    yaml.push('spans:');
    for (const s of c.spans)
      yaml.push(
        `  - state: ${s.state}`,
        `    rounds: ${q(`${s.firstRound}-${s.lastRound}`)}`,
        `    from_ms: ${s.fromMs}`,
        `    to_ms: ${s.toMs}`,
        `    duration_ms: ${s.durationMs}`,
        `    codes: [${s.codes.map(q).join(', ')}]`,
        `    first: ${q(s.firstEvidence)}`,
        `    last: ${q(s.lastEvidence)}`,
      );
  }
  if (found.length > 0) {
    yaml.push('findings:');
    for (const f of found)
      yaml.push(`  - code: ${f.ruleId}`, `    title: ${q(f.title)}`, `    message: ${q(f.message)}`);
  }
  return yaml;
}
