import type { EngineInfo } from '../docker/system-client.js';
import type { Verdict } from '../judge/verdict.js';
import type { CommandRun } from './fault.js';
import { type CellTimeline, type ChaosPhase, type ChaosRound, isBreach } from './cell-timeline.js';

/** How a fault's restore went: done and verified, nothing to undo, failed (the loudest), or never needed. */
export interface RestoreOutcome {
  status: 'restored' | 'nothing-to-restore' | 'failed' | 'not-applied';
  detail: string;
  /** Where what the fault changed was saved, when it saved anything. */
  savedFile?: string;
}

/** The fault of a drill, as the report says it. */
export interface FaultReport {
  kind: string;
  args: string[];
  /** What it does, in a sentence (what --dry-run prints). */
  plan: string;
  /** When it began and how long applying it took (milliseconds since the drill began); absent when not applied. */
  appliedAtMs?: number;
  appliedForMs?: number;
  /** What applying it did, or why it failed. */
  detail?: string;
  error?: string;
  /** The command it ran on the engine host (restart-engine: --engine-restart-command), once run. */
  command?: CommandRun;
  restore: RestoreOutcome;
}

/** A round as the report lists it. */
export interface ChaosRoundSummary {
  round: number;
  phase: ChaosPhase;
  startedMs: number;
  endedMs: number;
  pass: number;
  fail: number;
  inconclusive: number;
  error?: string;
}

/**
 * How the drill ended, loudest first: restore-failed (what the fault changed may still be changed), baseline-unstable
 * (the verdicts before the fault were not conclusive and steady: no fault was applied), breach (a cell expected
 * blocked was reached for a while), not-back (a cell's verdict after the restore is not the one before the fault),
 * inconclusive (a cell expected blocked could not be told for a while: a breach may have hidden there), held. A span
 * unknown only because a container the cell rests on changed under the probe or was not running (`world-changed`,
 * `target-not-running`: the fault's own restart, reconnect or re-create; nothing answers there to breach) is the
 * fault's own event: reported, not inconclusive.
 */
export type ChaosOutcome = 'restore-failed' | 'baseline-unstable' | 'breach' | 'not-back' | 'inconclusive' | 'held';

/** What `dockprobe chaos` found (the body of the dockprobe-chaos document). */
export interface ChaosResult {
  runId: string;
  scenarios: string[];
  engine: EngineInfo;
  startedAt: string;
  durationMs: number;
  fault: FaultReport;
  /** What the loop of rounds sustained: how many, and how long each took (min, median, max in milliseconds). */
  loop: { rounds: number; minMs: number; medianMs: number; maxMs: number };
  /** How long after the fault was applied every cell had its verdict from before again, on its own; absent: never. */
  recoveredAfterMs?: number;
  /** How long after the restore every cell had its verdict from before again; absent: never. */
  restoredAfterMs?: number;
  rounds: ChaosRoundSummary[];
  cells: CellTimeline[];
  summary: { cells: number; held: number; opened: number; closed: number; unknown: number; notBack: number };
  outcome: ChaosOutcome;
  /** Why, in a sentence. */
  reason: string;
  cleanupFailures: string[];
}

/** The verdicts before the fault: the last baseline round's, when every baseline round agreed and was conclusive. */
export function steadyBaseline(rounds: readonly ChaosRound[]): { before: Map<string, Verdict> } | { unsteady: string } {
  const baseline = rounds.filter((r) => r.phase === 'baseline');
  const last = baseline.at(-1);
  if (!last) return { unsteady: 'no round ran before the fault' };
  for (const r of baseline) {
    if (r.error) return { unsteady: `round ${r.round} could not run: ${r.error}` };
    const unknown = r.verdicts.find((v) => v.status === 'inconclusive');
    if (unknown)
      return {
        unsteady: `round ${r.round}: ${unknown.source} → ${unknown.target} is inconclusive (${unknown.code}: ${unknown.reason})`,
      };
    const then = new Map(r.verdicts.map((v) => [v.cellId, v.status]));
    const differs = last.verdicts.find((v) => then.get(v.cellId) !== v.status);
    if (differs || then.size !== last.verdicts.length)
      return {
        unsteady: `the verdicts changed between rounds ${r.round} and ${last.round}${differs ? ` (${differs.source} → ${differs.target})` : ''}: the deployment is not steady`,
      };
  }
  return { before: new Map(last.verdicts.map((v) => [v.cellId, v])) };
}

/** The verdict codes of a fault's own events: the container a cell rests on changed under the probe, or was not running. */
const FAULT_OWN = new Set(['world-changed', 'target-not-running']);

/** Whether a verdict code is a fault's own event (see {@link ChaosOutcome}). */
export function isFaultOwn(code: string): boolean {
  return FAULT_OWN.has(code);
}

/** The drill's outcome and why, from its cells and its restore (see {@link ChaosOutcome}). */
export function chaosOutcome(
  cells: readonly CellTimeline[],
  restore: RestoreOutcome,
): { outcome: ChaosOutcome; reason: string } {
  if (restore.status === 'failed')
    return {
      outcome: 'restore-failed',
      reason: `THE RESTORE FAILED: ${restore.detail}${restore.savedFile ? `; what was changed is saved in ${restore.savedFile}` : ''}`,
    };
  const names = (list: readonly CellTimeline[]) =>
    list
      .slice(0, 3)
      .map((c) => `${c.source} → ${c.target}`)
      .join(', ') + (list.length > 3 ? ` and ${list.length - 3} more` : '');
  const breaches = cells.filter(isBreach);
  if (breaches.length > 0)
    return {
      outcome: 'breach',
      reason: `opened during the fault: ${names(breaches)} (the longest for ${Math.max(...breaches.map((c) => c.openedMs))} ms)`,
    };
  const notBack = cells.filter((c) => !c.back);
  if (notBack.length > 0)
    return { outcome: 'not-back', reason: `not back to the verdict before the fault: ${names(notBack)}` };
  const unknown = cells.filter(
    (c) => c.expected === 'blocked' && c.spans.some((s) => s.state === 'unknown' && !s.codes.every(isFaultOwn)),
  );
  if (unknown.length > 0)
    return {
      outcome: 'inconclusive',
      reason: `could not be told for a while, so a breach may have hidden there: ${names(unknown)}`,
    };
  return { outcome: 'held', reason: `every cell held its verdict through the fault or came back to it` };
}

/** The exit code of a drill: 3 for restore-failed, baseline-unstable and inconclusive, 1 for breach and not-back. */
export function chaosExitCode(outcome: ChaosOutcome): number {
  switch (outcome) {
    case 'held':
      return 0;
    case 'breach':
    case 'not-back':
      return 1;
    default:
      return 3;
  }
}

/** The rounds' durations: how many, the shortest, the median and the longest. */
export function loopStats(rounds: readonly ChaosRound[]): ChaosResult['loop'] {
  const ms = rounds.map((r) => r.endedMs - r.startedMs).sort((a, b) => a - b);
  if (ms.length === 0) return { rounds: 0, minMs: 0, medianMs: 0, maxMs: 0 };
  return { rounds: ms.length, minMs: ms[0]!, medianMs: ms[Math.floor(ms.length / 2)]!, maxMs: ms.at(-1)! };
}

/** Counts of the cells by outcome, and of those not back. */
export function chaosSummary(cells: readonly CellTimeline[]): ChaosResult['summary'] {
  const count = (o: CellTimeline['outcome']) => cells.filter((c) => c.outcome === o).length;
  return {
    cells: cells.length,
    held: count('held'),
    opened: count('opened'),
    closed: count('closed'),
    unknown: count('unknown'),
    notBack: cells.filter((c) => !c.back).length,
  };
}
