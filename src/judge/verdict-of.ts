import { formatPosition } from '../errors/scenario-error.js';
import type { Expectation } from '../scenario/scenario.js';
import type { Judgement, Verdict } from './verdict.js';

/** A judgement of a cell a scenario's expectation asks about. */
export type ExpectedJudgement = Judgement & { cell: { expectation: Expectation } };

/** Whether a judgement's cell carries an expectation (a scenario's), and so has a verdict. */
export function hasExpectation(judged: Judgement): judged is ExpectedJudgement {
  return judged.cell.expectation !== undefined;
}

/**
 * A judgement worded as a scenario's verdict: pass or FAIL against the cell's expectation, or inconclusive, with the
 * expectation's name and place in its file. A breach seen while a network was created says it may be transient.
 */
export function verdictOf(judged: ExpectedJudgement): Verdict {
  const { cell } = judged;
  const reason = judged.networkEvents
    ? `${judged.reason} (during the run: ${judged.networkEvents.join('; ')}; dockerd re-inserts its isolation rules whenever a network is created, moby/moby#43585, so a breach seen only then may be transient: check with --repeat)`
    : judged.reason;
  return {
    cellId: cell.id,
    expectation: cell.expectation.name,
    location: formatPosition(cell.expectation.position),
    source: cell.source,
    target: cell.targetLabel,
    expected: cell.expectation.reachable ? 'reachable' : 'blocked',
    evidence: judged.evidence,
    status: judged.status,
    code: judged.code,
    observed: judged.observed,
    reason,
    latencyMs: judged.latencyMs,
    ...(judged.probeErrorCode ? { probeErrorCode: judged.probeErrorCode } : {}),
  };
}
