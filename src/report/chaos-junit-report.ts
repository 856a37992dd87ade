import type { ChaosResult } from '../chaos/chaos-result.js';
import { newJunitBuilder, placeCase } from './junit-report.js';
import { findingsOfChaosCell } from './report-findings.js';

/**
 * A chaos drill as JUnit XML: one suite for the fault, one test case per cell with its scenario line; a breach window or
 * a cell not back is a failure, a cell expected blocked that could not be told for a while an error, each typed by its
 * finding's code (as {@link findingsOfChaosCell} says them); a failed restore is a failing case of its own.
 */
export function chaosJunitReport(result: ChaosResult, cwd: string = process.cwd()): string {
  const builder = newJunitBuilder();
  const fault = `--fault ${[result.fault.kind, ...result.fault.args].join(':')}`;
  const suite = builder
    .testSuite()
    .name(`dockprobe chaos ${fault}`)
    .timestamp(result.startedAt)
    .time(result.durationMs / 1000)
    .property('engine', `${result.engine.version} (API ${result.engine.apiVersion})`)
    .property('firewall-backend', result.engine.firewallBackend ?? 'not reported by the engine')
    .property('outcome', result.outcome);
  const restored = result.fault.restore;
  const restore = suite.testCase().className('dockprobe.chaos').name(`restore after ${fault}`);
  restore.standardOutput(`${restored.status}: ${restored.detail}`);
  if (restored.status === 'failed')
    restore.failure(
      `THE RESTORE FAILED: ${restored.detail}${restored.savedFile ? `; saved in ${restored.savedFile} (dockprobe chaos --restore ${restored.savedFile})` : ''}`,
      'chaos-restore-failed',
    );
  for (const c of result.cells) {
    const test = suite
      .testCase()
      .className(`dockprobe.chaos.${c.source.replace(/\s+/g, '_')}`)
      .name(`${c.target} ${c.expected}`)
      .standardOutput(
        `${c.outcome}${c.spans.length > 0 ? `: ${c.spans.map((s) => `${s.state} for ${s.durationMs} ms (${s.codes.join(', ')})`).join('; ')}` : ''} (${c.location})`,
      );
    placeCase(test, c.location, cwd);
    const found = findingsOfChaosCell(result, c, cwd);
    const failures = found.filter((f) => f.level === 'error');
    const warning = found.find((f) => f.level === 'warning');
    if (failures.length > 0)
      test.failure(failures.map((f) => `${f.title}: ${f.message}`).join('\n'), failures[0]!.ruleId);
    else if (warning) test.error(`${warning.title}: ${warning.message}`, warning.ruleId);
  }
  return builder.build();
}
