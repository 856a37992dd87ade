import type { Colors } from '../report/colors.js';
import { envelope, jsonText } from '../report/json-envelope.js';
import { escapeControl } from '../report/escape-control.js';
import type { Baseline } from './baseline.js';
import type { Drift, FailOn } from './drift.js';

/** What `test --baseline` found, as data: the JSON report of a drift run. */
export interface DriftReport {
  baseline: { file: string; digest: string; createdAt: string; engine: string };
  now: { digest: string; engine: string; runId: string };
  failOn: FailOn;
  drift: Drift[];
}

/** A drift report as a `dockprobe-drift` document. */
export function jsonDriftReport(report: DriftReport): string {
  return jsonText(envelope('dockprobe-drift', report));
}

const WORD: Record<Drift['kind'], string> = {
  opened: 'OPENED',
  closed: 'CLOSED',
  appeared: 'NEW',
  vanished: 'GONE',
  unknown: 'UNKNOWN',
};

/** The differences only, one line each, then one closing line; nothing when there is none but that line. */
export function prettyDrift(report: DriftReport, c: Colors): string {
  const lines = report.drift.map((d) => {
    const paint =
      d.kind === 'opened' ? c.red : d.kind === 'closed' ? c.yellow : d.kind === 'unknown' ? c.yellow : c.dim;
    return `${paint(WORD[d.kind].padEnd(7))} ${escapeControl(driftText(d))}`;
  });
  const tail =
    report.drift.length === 0
      ? `no drift from ${report.baseline.file} (digest ${report.now.digest.slice(0, 19)}…)`
      : `${report.drift.length} difference(s) from ${report.baseline.file} (baseline ${report.baseline.createdAt}, engine ${report.baseline.engine}; now engine ${report.now.engine}); failing on: ${report.failOn}`;
  return `${[...lines, tail].join('\n')}\n`;
}

/** The baseline side of a drift report. */
export function baselineSide(file: string, baseline: Baseline): DriftReport['baseline'] {
  return { file, digest: baseline.digest, createdAt: baseline.createdAt, engine: baseline.engine.version };
}

/** One difference in words, without its kind: `proxy → postgres:5432: was closed (blocked), now open (reached: open)`. */
export function driftText(d: Drift): string {
  const then = d.before ? `${d.before.state} (${d.before.code})` : 'not in the baseline';
  const now = d.after ? `${d.after.state} (${d.after.code}: ${d.after.evidence.observed})` : 'not seen now';
  return `${d.source} → ${d.target}: was ${then}, now ${now}`;
}

/** The word a difference's kind is shown by: OPENED, CLOSED, NEW, GONE, UNKNOWN. */
export function driftWord(d: Drift): string {
  return WORD[d.kind];
}
