import { createHash } from 'node:crypto';
import { driftText, driftWord, type DriftReport } from '../baseline/drift-report.js';
import { driftFails } from '../baseline/drift.js';
import { formatPosition } from '../errors/scenario-error.js';
import type { RunResult } from '../run-result.js';
import { type CellTimeline, isBreach } from '../chaos/cell-timeline.js';
import { type ChaosResult, isFaultOwn } from '../chaos/chaos-result.js';
import { fileLineOf, relativeFile, type FileLine } from './report-location.js';

/**
 * One thing a CI annotation shows: a failing or inconclusive cell, a static finding, or a difference from a baseline.
 * SARIF and GitHub's workflow commands are both made from these, so they say the same thing at the same place.
 */
export interface Finding {
  /** The stable code: a verdict's, a static finding's, or `drift-<kind>`. */
  ruleId: string;
  /** error: it fails the run (a FAIL, a difference --fail-on names); warning: it leaves it unproven; note: neither. */
  level: 'error' | 'warning' | 'note';
  /** A line: `FAIL network public-facing → redis:6379 (expected blocked)`. */
  title: string;
  /** What was seen and why. */
  message: string;
  /** Where it is said, relative to the working directory; undefined when that is no file (stdin, an inferred scenario). */
  location: FileLine | undefined;
  /** The same across runs for the same finding: a hash of (source, target, code), never of what varies (latency, ids). */
  fingerprint: string;
}

/** Every failing or inconclusive cell of a run, then its static findings (at their Compose file's line). */
export function findingsOfRun(result: RunResult, cwd: string = process.cwd()): Finding[] {
  const out: Finding[] = [];
  for (const v of result.verdicts) {
    if (v.status === 'pass') continue;
    out.push({
      ruleId: v.code,
      level: v.status === 'fail' ? 'error' : 'warning',
      title: `${v.status === 'fail' ? 'FAIL' : 'inconclusive'} ${v.source} → ${v.target} (expected ${v.expected})`,
      message: `${v.expectation}: ${v.reason} (observed ${v.observed}${v.probeErrorCode ? `, ${v.probeErrorCode}` : ''})`,
      location: fileLineOf(v.location, cwd),
      fingerprint: fingerprint(v.source, v.target, v.code),
    });
  }
  for (const f of result.staticFindings) {
    const line = f.compose[0];
    out.push({
      ruleId: f.code,
      level: 'warning',
      title: `rule ${f.rule} (${f.says}) is contradicted by the deployment`,
      message: `${f.reason}; the rule is at ${f.location}, and its live check decides`,
      location: line ? fileLineOf(formatPosition(line), cwd) : fileLineOf(f.location, cwd),
      fingerprint: fingerprint(f.says, f.location.replace(/:\d+:\d+$/, ''), f.code),
    });
  }
  return out;
}

/** Every difference from a baseline, located at the baseline file: an error where --fail-on names it. */
export function findingsOfDrift(report: DriftReport, cwd: string = process.cwd()): Finding[] {
  return report.drift.map((d) => ({
    ruleId: `drift-${d.kind}`,
    level: driftFails([d], report.failOn) ? 'error' : d.kind === 'unknown' ? 'warning' : 'note',
    title: `${driftWord(d)} ${d.source} → ${d.target}`,
    message: `${driftText(d)} (baseline ${report.baseline.createdAt}, engine ${report.baseline.engine}; now engine ${report.now.engine})`,
    location: { file: relativeFile(report.baseline.file, cwd), line: 1, col: 1 },
    fingerprint: fingerprint(d.source, d.target, `drift-${d.kind}`),
  }));
}

/**
 * What a chaos drill found, each at its cell's line of the scenario: a failed restore first (`chaos-restore-failed`, an
 * error, at no line: it names the saved file), then each cell's ({@link findingsOfChaosCell}).
 */
export function findingsOfChaos(result: ChaosResult, cwd: string = process.cwd()): Finding[] {
  const restore = result.fault.restore;
  const fault = faultWords(result);
  const out: Finding[] = [];
  if (restore.status === 'failed')
    out.push({
      ruleId: 'chaos-restore-failed',
      level: 'error',
      title: `THE RESTORE FAILED after ${fault}`,
      message: `${restore.detail}${restore.savedFile ? `; what the fault changed is saved in ${restore.savedFile} (dockprobe chaos --restore ${restore.savedFile})` : ''}`,
      location: undefined,
      fingerprint: fingerprint(fault, 'chaos-restore-failed'),
    });
  for (const c of result.cells) out.push(...findingsOfChaosCell(result, c, cwd));
  return out;
}

/**
 * What a chaos drill found at one cell: each breach window (`chaos-breach`, an error: the cell, how long, the first and
 * last evidence), the cell not back after the restore (`chaos-not-back`, an error), a cell expected blocked that could
 * not be told for a while outside the fault's own events (`chaos-unknown`, a warning).
 */
export function findingsOfChaosCell(result: ChaosResult, c: CellTimeline, cwd: string = process.cwd()): Finding[] {
  const out: Finding[] = [];
  const fault = faultWords(result);
  const at = fileLineOf(c.location, cwd);
  const cellName = `${c.source} → ${c.target}`;
  if (isBreach(c))
    for (const s of c.spans.filter((x) => x.state === 'opened'))
      out.push({
        ruleId: 'chaos-breach',
        level: 'error',
        title: `OPENED for ${s.durationMs} ms during ${fault}: ${cellName} (expected blocked)`,
        message: `reached in rounds ${s.firstRound} to ${s.lastRound} (${s.fromMs} to ${s.toMs} ms into the drill); first: ${s.firstEvidence}; last: ${s.lastEvidence}`,
        location: at,
        fingerprint: fingerprint(c.source, c.target, 'chaos-breach', fault),
      });
  if (!c.back)
    out.push({
      ruleId: 'chaos-not-back',
      level: 'error',
      title: `not back after ${fault}: ${cellName} (expected ${c.expected})`,
      message: `${c.before} before the fault, ${c.afterRestore ?? 'not judged'} after the restore (${c.afterRecovery ?? 'not judged'} after the engine's own recovery)`,
      location: at,
      fingerprint: fingerprint(c.source, c.target, 'chaos-not-back', fault),
    });
  const unknown = c.spans.filter((s) => s.state === 'unknown' && !s.codes.every(isFaultOwn));
  if (c.expected === 'blocked' && unknown.length > 0)
    out.push({
      ruleId: 'chaos-unknown',
      level: 'warning',
      title: `could not be told for ${c.unknownMs} ms during ${fault}: ${cellName} (expected blocked)`,
      message: `a breach may have hidden there; ${unknown.map((s) => `rounds ${s.firstRound} to ${s.lastRound} (${s.codes.join(', ')}): ${s.firstEvidence}`).join('; ')}`,
      location: at,
      fingerprint: fingerprint(c.source, c.target, 'chaos-unknown', fault),
    });
  return out;
}

/** `--fault kind:arg…` as the drill was asked. */
function faultWords(result: ChaosResult): string {
  return `--fault ${[result.fault.kind, ...result.fault.args].join(':')}`;
}

function fingerprint(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\0')).digest('hex').slice(0, 32);
}
