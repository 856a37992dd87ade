import type { ChaosResult } from '../chaos/chaos-result.js';
import { prettyChaosReport } from '../chaos/pretty-chaos-report.js';
import { chaosHtmlReport } from '../report/chaos-html-report.js';
import { chaosJunitReport } from '../report/chaos-junit-report.js';
import { chaosMarkdownReport } from '../report/chaos-markdown-report.js';
import { chaosTapReport } from '../report/chaos-tap-report.js';
import { githubReport } from '../report/github-report.js';
import { envelope, jsonText } from '../report/json-envelope.js';
import { findingsOfChaos } from '../report/report-findings.js';
import { sarifReport } from '../report/sarif-report.js';
import type { CliContext } from './cli-context.js';
import type { ChaosFormat } from './report-options.js';
import { writeText } from './write-text.js';

/** Where a drill's reports go: one format on stdout, more in files from the same drill. */
export interface ChaosReportOptions {
  format: ChaosFormat;
  json?: string | undefined;
  tap?: string | undefined;
  markdown?: string | undefined;
  sarif?: string | undefined;
  junit?: string | undefined;
  html?: string | undefined;
  verbose?: boolean | undefined;
}

/** Writes a drill's stdout report and every file report asked for, through the report modules the other commands use. */
export async function writeChaosReports(
  result: ChaosResult,
  options: ChaosReportOptions,
  context: CliContext,
): Promise<void> {
  const render: Record<ChaosFormat | 'html', () => string> = {
    pretty: () => `${prettyChaosReport(result, context.colorsOut, options.verbose)}\n`,
    json: () => jsonText(envelope('dockprobe-chaos', result)),
    tap: () => chaosTapReport(result),
    markdown: () => chaosMarkdownReport(result),
    sarif: () => sarifReport(findingsOfChaos(result), result),
    github: () => githubReport(findingsOfChaos(result), `dockprobe chaos: ${result.outcome}: ${result.reason}`),
    junit: () => chaosJunitReport(result),
    html: () => chaosHtmlReport(result),
  };
  context.stdout.write(render[options.format]());
  const files: [string | undefined, Exclude<ChaosFormat, 'pretty' | 'github'> | 'html'][] = [
    [options.json, 'json'],
    [options.tap, 'tap'],
    [options.markdown, 'markdown'],
    [options.sarif, 'sarif'],
    [options.junit, 'junit'],
    [options.html, 'html'],
  ];
  for (const [path, format] of files) if (path) await writeText(path, render[format](), `--${format}`);
}
