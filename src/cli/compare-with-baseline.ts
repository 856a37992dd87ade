import { baselineOf, type Baseline } from '../baseline/baseline.js';
import { drift, driftFails, type FailOn } from '../baseline/drift.js';
import { baselineSide, jsonDriftReport, prettyDrift, type DriftReport } from '../baseline/drift-report.js';
import { readBaseline } from '../baseline/read-baseline.js';
import { markdownDrift } from '../baseline/markdown-drift-report.js';
import { colors, type Colors } from '../report/colors.js';
import { githubReport } from '../report/github-report.js';
import { findingsOfDrift } from '../report/report-findings.js';
import { sarifReport } from '../report/sarif-report.js';
import type { RunHeader } from '../run-result.js';
import { verify, type VerifyOptions } from '../verify.js';
import type { CliContext } from './cli-context.js';
import { ExitCode } from './exit-code.js';
import { reportLeftovers } from './report-leftovers.js';
import type { Format, ReportOptions } from './report-options.js';
import { writeReports } from './write-reports.js';

/**
 * `dockprobe test --baseline FILE`: runs the scenarios, then prints only how what is reachable now differs from the
 * baseline. Exit 1 when a difference `failOn` names is there; 3 when none is but a path the baseline knew is
 * undetermined now (nothing proves it did not change); 0 otherwise. The baseline is read before anything runs: a bad
 * file is a usage error, not a run that drifts everywhere.
 */
export async function compareWithBaseline(
  file: string,
  failOn: FailOn,
  options: VerifyOptions,
  reports: ReportOptions,
  context: CliContext,
): Promise<number> {
  const before = await readBaseline(file);
  const result = await verify(options);
  const report = driftReportOf(file, before, baselineOf(result), result, failOn);
  await writeReports(result, reports, context, driftOutput(report, reports.format, result, context.colorsOut));
  reportLeftovers(context, result);
  return driftExitCode(report, result.cleanupFailures);
}

/**
 * The drift in a stdout format: JSON, Markdown, SARIF or GitHub's commands (each difference located at the baseline
 * file), else the pretty lines. `run` names what saw it now.
 */
export function driftOutput(
  report: DriftReport,
  format: Format,
  run: Pick<RunHeader, 'engine' | 'compose' | 'runId'>,
  c: Colors,
): string {
  if (format === 'json') return jsonDriftReport(report);
  if (format === 'markdown') return markdownDrift(report);
  if (format === 'sarif') return sarifReport(findingsOfDrift(report), run);
  const pretty = prettyDrift(report, format === 'github' ? colors(false) : c);
  if (format === 'github') return githubReport(findingsOfDrift(report), pretty.trimEnd().split('\n').at(-1) ?? '');
  return pretty;
}

/** How what was seen now (a run's or a drill's baseline) differs from the baseline file. */
export function driftReportOf(
  file: string,
  before: Baseline,
  now: Baseline,
  run: { engine: { version: string }; runId: string },
  failOn: FailOn,
): DriftReport {
  return {
    baseline: baselineSide(file, before),
    now: { digest: now.digest, engine: run.engine.version, runId: run.runId },
    failOn,
    drift: drift(before, now),
  };
}

/**
 * Exit 1 when a difference `failOn` names is there; 3 when none is but a path the baseline knew is undetermined now
 * (nothing proves it did not change) or something was left behind; 0 otherwise.
 */
export function driftExitCode(report: DriftReport, cleanupFailures: readonly string[]): number {
  if (driftFails(report.drift, report.failOn)) return ExitCode.MISMATCH;
  if (report.drift.some((d) => d.kind === 'unknown') || cleanupFailures.length > 0) return ExitCode.INCONCLUSIVE;
  return ExitCode.PASS;
}
