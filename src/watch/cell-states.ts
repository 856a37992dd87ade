import type { Verdict, VerdictStatus } from '../judge/verdict.js';

/**
 * What a cell's path is now, as a change line says it: `opened` (the target is reached: a pass of a cell expected
 * reachable, a FAIL of one expected blocked), `closed` (it is not: a pass of a cell expected blocked, a FAIL of one
 * expected reachable), `unknown` (inconclusive: dockprobe cannot tell, or the cell is no longer planned).
 */
export type PathNow = 'opened' | 'closed' | 'unknown';

/** A cell's verdict that changed from one round to the next. */
export interface CellChange {
  round: number;
  cellId: string;
  source: string;
  target: string;
  expectation: string;
  expected: Verdict['expected'];
  /** The status before (undefined at the first round a cell is judged in). */
  from: VerdictStatus | undefined;
  /** The status now; undefined when the cell is no longer planned (its source or target went away or was renamed). */
  to: VerdictStatus | undefined;
  path: PathNow;
  /** A cell expected blocked that went into FAIL: a breach. */
  breach: boolean;
  /** The verdict now, with its code, evidence and reason; the last one for a cell no longer planned. */
  verdict: Verdict;
}

/** The path a verdict says, as {@link PathNow}. */
export function pathNow(verdict: Pick<Verdict, 'status' | 'expected'>): PathNow {
  if (verdict.status === 'inconclusive') return 'unknown';
  const reached = (verdict.status === 'pass') === (verdict.expected === 'reachable');
  return reached ? 'opened' : 'closed';
}

/**
 * Every cell's verdict of the last round, and what changed at each: the history watch reports from. Bounded by the
 * cells of the last round: a cell no longer planned is reported once, then forgotten.
 */
export class CellStates {
  #last = new Map<string, Verdict>();

  /** The verdicts of the last round, by cell id. */
  get current(): ReadonlyMap<string, Verdict> {
    return this.#last;
  }

  /** Takes a round's verdicts; returns each cell whose status changed (every cell, the first time it is seen). */
  update(round: number, verdicts: readonly Verdict[]): CellChange[] {
    const changes: CellChange[] = [];
    const next = new Map<string, Verdict>();
    for (const v of verdicts) {
      next.set(v.cellId, v);
      const before = this.#last.get(v.cellId);
      if (before?.status === v.status) continue;
      changes.push(change(round, v, before?.status, v.status));
    }
    for (const [id, v] of this.#last)
      if (!next.has(id))
        changes.push({
          ...change(round, v, v.status, undefined),
          verdict: {
            ...v,
            status: 'inconclusive',
            reason: `no longer checked: round ${round} planned no such cell (its source or target went away, or was re-created under another name)`,
          },
        });
    this.#last = next;
    return changes;
  }
}

function change(round: number, v: Verdict, from: VerdictStatus | undefined, to: VerdictStatus | undefined): CellChange {
  return {
    round,
    cellId: v.cellId,
    source: v.source,
    target: v.target,
    expectation: v.expectation,
    expected: v.expected,
    from,
    to,
    path: to === undefined ? 'unknown' : pathNow(v),
    breach: to === 'fail' && v.expected === 'blocked',
    verdict: v,
  };
}
