import type { Log, ReportingDescriptor, Result } from 'sarif';
import { STATIC_FINDING_CODES } from '../rules/static-findings.js';
import { VERDICT_CODES } from '../checks/verdict-codes.js';
import { VERSION } from '../package-paths.js';
import type { RunHeader } from '../run-result.js';
import type { Finding } from './report-findings.js';

const SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

const DRIFT_RULES: Record<string, string> = {
  'drift-opened': 'a path the baseline had closed is open now',
  'drift-closed': 'a path the baseline had open is closed now',
  'drift-appeared': 'a path the baseline did not have',
  'drift-vanished': 'a path of the baseline that was not seen now',
  'drift-unknown': 'a path the baseline knew is undetermined now',
  'chaos-breach': 'a cell expected blocked was reached for a while during a chaos fault: a breach window',
  'chaos-not-back': "a cell's verdict after a chaos fault's restore is not the one before the fault",
  'chaos-unknown': 'a cell expected blocked could not be told for a while during a chaos fault',
  'chaos-restore-failed': "a chaos fault's restore failed or could not be verified",
};

/**
 * SARIF 2.1.0, for code scanning dashboards: one result per finding, its rule the finding's stable code, located at
 * the scenario's (or Compose file's, or baseline's) line relative to the working directory, with a fingerprint that
 * is the same across runs for the same finding.
 */
export function sarifReport(
  findings: readonly Finding[],
  run: Pick<RunHeader, 'engine' | 'runId'> & Partial<Pick<RunHeader, 'compose'>>,
): string {
  const ids = [...new Set(findings.map((f) => f.ruleId))].sort();
  const rules: ReportingDescriptor[] = ids.map((id) => ({
    id,
    shortDescription: { text: describe(id) },
  }));
  const results: Result[] = findings.map((f) => ({
    ruleId: f.ruleId,
    ruleIndex: ids.indexOf(f.ruleId),
    level: f.level,
    message: { text: `${f.title}: ${f.message}` },
    ...(f.location
      ? {
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: encodeURI(f.location.file) },
                region: { startLine: f.location.line, startColumn: f.location.col },
              },
            },
          ],
        }
      : {}),
    partialFingerprints: { 'dockprobeFinding/v1': f.fingerprint },
  }));
  const log: Log = {
    $schema: SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'dockprobe',
            version: VERSION,
            rules,
          },
        },
        // No automationDetails: its id is the category code scanning keeps alerts under, and a run's id would make each
        // run a category of its own, so no alert would ever be seen fixed.
        properties: {
          runId: run.runId,
          engine: `${run.engine.version} (API ${run.engine.apiVersion})`,
          ...(run.compose ? { compose: run.compose } : {}),
          ...(run.engine.firewallBackend ? { firewallBackend: run.engine.firewallBackend } : {}),
        },
        results,
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}

function describe(id: string): string {
  return (
    (VERDICT_CODES as Record<string, string>)[id] ??
    (STATIC_FINDING_CODES as Record<string, string>)[id] ??
    DRIFT_RULES[id] ??
    id
  );
}
