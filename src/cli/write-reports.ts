import { writeFile } from 'node:fs/promises';
import { DockprobeError, ErrorCodes } from '../errors/dockprobe-error.js';
import { jsonReport } from '../report/json-report.js';
import { junitReport } from '../report/junit-report.js';
import { prettyReport } from '../report/pretty-report.js';
import { tapReport } from '../report/tap-report.js';
import type { RunResult } from '../run-result.js';
import type { CliContext } from './cli-context.js';
import type { Format, ReportOptions } from './report-options.js';

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
  const render: Record<Format, () => string> = {
    pretty: () => `${prettyReport(result, context.colorsOut, { verbose: options.verbose ?? false })}\n`,
    json: () => jsonReport(result),
    tap: () => tapReport(result),
    junit: () => junitReport(result),
  };
  context.stdout.write(stdout ?? render[options.format]());
  const files: [string | undefined, Format][] = [
    [options.json, 'json'],
    [options.junit, 'junit'],
    [options.tap, 'tap'],
  ];
  for (const [path, format] of files) {
    if (!path) continue;
    try {
      await writeFile(path, render[format]());
    } catch (error) {
      throw new DockprobeError(
        ErrorCodes.USAGE,
        `cannot write the ${format} report to ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
        { cause: error },
      );
    }
  }
}
