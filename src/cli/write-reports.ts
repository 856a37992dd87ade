import { githubReport } from '../report/github-report.js';
import { htmlReport } from '../report/html-report.js';
import { jsonReport } from '../report/json-report.js';
import { junitReport } from '../report/junit-report.js';
import { markdownReport } from '../report/markdown-report.js';
import { prettyReport, summaryLine } from '../report/pretty-report.js';
import { findingsOfRun } from '../report/report-findings.js';
import { sarifReport } from '../report/sarif-report.js';
import { tapReport } from '../report/tap-report.js';
import type { RunResult } from '../run-result.js';
import type { CliContext } from './cli-context.js';
import type { FileFormat, Format, ReportOptions } from './report-options.js';
import { writeText } from './write-text.js';
import { colors } from '../report/colors.js';

/**
 * Writes the stdout report and every file report asked for. `stdout` replaces the stdout report (a drift comparison
 * prints the differences there, and the files still get the whole run).
 */
export async function writeReports(
  result: RunResult,
  options: ReportOptions,
  context: CliContext,
  stdout?: string,
): Promise<void> {
  const render: Record<Format | FileFormat, () => string> = {
    pretty: () => `${prettyReport(result, context.colorsOut, { verbose: options.verbose ?? false })}\n`,
    json: () => jsonReport(result),
    tap: () => tapReport(result),
    junit: () => junitReport(result),
    markdown: () => markdownReport(result),
    sarif: () => sarifReport(findingsOfRun(result), result),
    github: () => githubReport(findingsOfRun(result), summaryLine(result, colors(false))),
    html: () => htmlReport(result),
  };
  context.stdout.write(stdout ?? render[options.format]());
  const files: [string | undefined, FileFormat][] = [
    [options.json, 'json'],
    [options.junit, 'junit'],
    [options.tap, 'tap'],
    [options.sarif, 'sarif'],
    [options.markdown, 'markdown'],
    [options.html, 'html'],
  ];
  for (const [path, format] of files) {
    if (path) await writeText(path, render[format](), `--${format}`);
  }
}
