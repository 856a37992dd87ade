import junitModule, { type Builder, type TestCase } from 'junit-report-builder';
import type { RunResult } from '../run-result.js';
import { fileLineOf } from './report-location.js';

// The package's CommonJS export is the builder itself at run time, while its types describe `{ default: builder }`.
const junit = (
  'newBuilder' in junitModule ? junitModule : (junitModule as unknown as { default: Builder }).default
) as Builder;

/**
 * JUnit XML for CI dashboards: one suite per source, one test case per cell, each with the `file` (relative to the
 * working directory) and `line` of its expectation; inconclusive cells are errors.
 */
export function junitReport(result: RunResult, cwd: string = process.cwd()): string {
  const builder = newJunitBuilder();
  const sources = [...new Set(result.verdicts.map((v) => v.source))];
  for (const source of sources) {
    const suite = builder
      .testSuite()
      .name(`dockprobe: ${source}`)
      .timestamp(result.startedAt)
      .property('engine', `${result.engine.version} (API ${result.engine.apiVersion})`)
      .property('compose', result.compose.join(', ') || 'none')
      .property('firewall-backend', result.engine.firewallBackend ?? 'not reported by the engine');
    for (const v of result.verdicts.filter((x) => x.source === source)) {
      const test = suite
        .testCase()
        .className(`dockprobe.${source.replace(/\s+/g, '_')}`)
        .name(`${v.target} ${v.expected}`)
        .time((v.latencyMs ?? 0) / 1000)
        .standardOutput(`${v.observed}: ${v.reason} (${v.location})`);
      placeCase(test, v.location, cwd);
      // The code is a property of every case, passing ones too, so a dashboard can count what proved each pass; on a
      // failure or error it is also the type, which is where most dashboards group findings.
      test.property('code', v.code);
      if (v.probeErrorCode) test.property('probeErrorCode', v.probeErrorCode);
      if (v.status === 'fail') test.failure(v.reason, v.code);
      if (v.status === 'inconclusive') test.error(v.reason, v.code);
    }
  }
  return builder.build();
}

/** A new JUnit document builder. */
export function newJunitBuilder(): Builder {
  return junit.newBuilder();
}

/** Gives a test case the `file` (relative to `cwd`) and `line` of a scenario location (`file:line:col`). */
export function placeCase(test: TestCase, location: string, cwd: string): void {
  const at = fileLineOf(location, cwd);
  if (!at) return;
  test.file(at.file);
  // The builder has no setter for `line` (GitLab and the XUnit readers take it beside `file`): its attributes are a
  // plain object that it writes in order (test/report/junit-report.test.ts holds it to that).
  (test as unknown as { _attributes: Record<string, unknown> })._attributes['line'] = at.line;
}
