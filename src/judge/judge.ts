import type { Cell, Plan, ProbeSpec } from '../plan/plan.js';
import type { ProbeResult } from '../run/probe-result.js';
import type { RunWindow } from '../topology/world-changes.js';
import { kindOf } from '../checks/check-kinds.js';
import { judgeControls } from './controls.js';
import { failClosed, unproven } from './fail-closed.js';
import type { ControlResult, Evidence, Judgement, MakeJudgement, Verdict } from './verdict.js';
import { hasExpectation, verdictOf } from './verdict-of.js';

export { describeObservation, NAME_BLOCKED, PATH_BLOCKED } from './outcomes.js';

/** A window in which nothing changed: for judging results read outside a run. */
const HELD: RunWindow = { changes: new Map(), networkEvents: [] };

/**
 * Observations × cells → judgements, for every kind of cell and every front end: the one judge. The rules that hold
 * for every kind live here and in fail-closed.ts, and only there: a cell whose source or target is not running, whose
 * probe did not run, or whose "blocked" the world did not hold still for, is inconclusive, never "blocked". Each kind
 * of check (checks/check-kinds.ts) then judges its own evidence, with the same fail-closed rules; a kind its
 * configuration can decide says so too (its `decide`), before any probe is asked.
 */
export function judgeCells<P extends Plan>(
  plan: P,
  results: readonly ProbeResult[],
  window: RunWindow = HELD,
): { judgements: Judgement<P['cells'][number]>[]; controls: ControlResult[] } {
  const byKey = new Map(results.map((r) => [r.probeKey, r]));
  const cells = cellsByProbe(plan);
  const judged = new Map(
    plan.probes.map((spec) => [spec.key, judgeProbe(spec, byKey.get(spec.key), cells.get(spec.key) ?? [])]),
  );
  return judgementsInWindow(plan, judged, window);
}

/** One probe's control and the judgements of its cells, before the run's window is read (see judgeProbe). */
export interface ProbeJudgement {
  control: ControlResult;
  /** In the order of the cells given. */
  judgements: Judgement[];
}

/**
 * One probe's cells judged from its result alone, as soon as it ends: its controls, then each cell with the rules of
 * judgeCells, but for the run's window, which judgementsInWindow applies once it is read. `cells` are the plan's cells
 * of this probe (plan order). With `keepEvidence` false, each judgement keeps its decisive observation but not the
 * evidence of every attempt (an empty list): what a front end needs that words judgements as rows, without holding
 * every observation of the run until its end.
 */
export function judgeProbe(
  spec: ProbeSpec,
  result: ProbeResult | undefined,
  cells: readonly Cell[],
  keepEvidence = true,
): ProbeJudgement {
  const control = judgeControls(spec, result, cells);
  const judgements = cells.map((cell) => {
    const judged = failClosed.withProbeErrorCode(judgeCell(cell, spec, result, control), result);
    return keepEvidence ? judged : { ...judged, evidence: [] };
  });
  return { control, judgements };
}

/** The plan's cells by the key of the probe that tries them, each list in plan order. */
export function cellsByProbe<C extends Cell>(plan: { cells: readonly C[] }): Map<string, C[]> {
  const byProbe = new Map<string, C[]>();
  for (const cell of plan.cells) {
    const list = byProbe.get(cell.probeKey);
    if (list) list.push(cell);
    else byProbe.set(cell.probeKey, [cell]);
  }
  return byProbe;
}

/**
 * Every cell's judgement in plan order, the run's window applied (failClosed.worldChanged): `judged` holds each
 * probe's (judgeProbe); a cell of a probe the plan does not have is judged here, as one whose probe did not run.
 */
export function judgementsInWindow<P extends Plan>(
  plan: P,
  judged: ReadonlyMap<string, ProbeJudgement>,
  window: RunWindow = HELD,
): { judgements: Judgement<P['cells'][number]>[]; controls: ControlResult[] } {
  const controls = plan.probes.map((spec) => judged.get(spec.key)!.control);
  const next = new Map<string, number>();
  const judgements = plan.cells.map((cell) => {
    const mine = judged.get(cell.probeKey);
    if (!mine) return heldWorld(judgeCell(cell, undefined, undefined, undefined), window);
    const at = next.get(cell.probeKey) ?? 0;
    next.set(cell.probeKey, at + 1);
    return heldWorld(mine.judgements[at]!, window);
  });
  // Each judgement is of the plan's own cell.
  return { judgements: judgements as Judgement<P['cells'][number]>[], controls };
}

/** A scenario's plan judged and worded: each cell's verdict against its expectation (pass, FAIL, inconclusive). */
export function judge(
  plan: Plan,
  results: readonly ProbeResult[],
  window: RunWindow = HELD,
): { verdicts: Verdict[]; controls: ControlResult[] } {
  const { judgements, controls } = judgeCells(plan, results, window);
  return { verdicts: judgements.filter(hasExpectation).map(verdictOf), controls };
}

/**
 * A "blocked" counts only for the world as it was when the probe ran (failClosed.worldChanged). A path open where it
 * is asked to be blocked, seen while a network was being created, may be dockerd's own instant without isolation:
 * it stays a finding, and carries the window's network events so the front end can say so.
 */
function heldWorld(judged: Judgement, window: RunWindow): Judgement {
  const asksBlocked = judged.cell.expectation?.reachable !== true;
  if (judged.status === 'fail' && asksBlocked && window.networkEvents.length > 0)
    return { ...judged, networkEvents: window.networkEvents };
  if (judged.status !== 'pass' || !asksBlocked) return judged;
  const changed = failClosed.worldChanged(judged.cell.touches, window, judged.reason);
  return changed ? { ...judged, status: 'inconclusive', ...changed } : judged;
}

function judgeCell(
  cell: Cell,
  spec: ProbeSpec | undefined,
  result: ProbeResult | undefined,
  control: ControlResult | undefined,
): Judgement {
  const evidence: Evidence[] = cell.attempts.map((attempt) => ({
    attempt,
    observation: result?.observations.get(attempt.checkId),
  }));
  const judged: MakeJudgement = (status, code, observed, reason, latencyMs, decisive) => ({
    cell,
    status,
    code,
    observed,
    reason,
    latencyMs,
    evidence,
    ...(decisive ? { decisive } : {}),
  });

  if (cell.precondition) return judged('inconclusive', cell.precondition.code, 'not tried', cell.precondition.text);
  // Before "the probe did not run": a cell the configuration decides needs no probe, so a failed one is no reason to
  // leave it inconclusive.
  const kind = kindOf(cell);
  const decided = kind.decide?.(cell, { evidence, result }, judged);
  if (decided) return decided;
  const ran = failClosed.probeFailed(cell.source, { spec, result, control });
  if (ran.failed) return unproven(judged, ran.failed);
  return kind.judge(cell, { evidence, spec: ran.spec, control: ran.control, result: ran.result }, judged);
}
