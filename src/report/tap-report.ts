import type { RunResult } from '../run-result.js';
import { escapeResult } from './escape-control.js';
import { madeBy } from './pretty-report.js';

/**
 * TAP version 14: one test point per cell. Inconclusive cells are `not ok … # TODO inconclusive`, so a TAP harness
 * shows them without counting them as failures; the exit code still does.
 */
export function tapReport(raw: RunResult): string {
  const result = escapeResult(raw);
  const lines = ['TAP version 14', `1..${result.verdicts.length}`];
  result.verdicts.forEach((v, i) => {
    const name = `${v.source} -> ${v.target} ${v.expected}`.replace(/#/g, '\\#');
    const directive = v.status === 'inconclusive' ? ' # TODO inconclusive' : '';
    lines.push(`${v.status === 'pass' ? 'ok' : 'not ok'} ${i + 1} - ${name}${directive}`);
    lines.push(
      '  ---',
      `  status: ${v.status}`,
      `  code: ${v.code}`,
      `  observed: ${JSON.stringify(v.observed)}`,
      `  reason: ${JSON.stringify(v.reason)}`,
      `  at: ${JSON.stringify(v.location)}`,
    );
    if (v.probeErrorCode) lines.push(`  probe_error_code: ${v.probeErrorCode}`);
    if (v.latencyMs !== undefined) lines.push(`  latency_ms: ${v.latencyMs}`);
    lines.push('  ...');
  });
  lines.push(`# ${madeBy(result)}`);
  lines.push(
    `# ${result.summary.pass} passed, ${result.summary.fail} failed, ${result.summary.inconclusive} inconclusive (run ${result.runId})`,
  );
  return `${lines.join('\n')}\n`;
}
