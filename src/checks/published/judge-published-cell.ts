import type { PublishedCell } from './published-cell.js';
import type { ProbeResult } from '../../run/probe-result.js';
import { failClosed, unproven } from '../../judge/fail-closed.js';
import { describeObservation } from '../../judge/outcomes.js';
import type { Evidence, MakeJudgement, Judgement } from '../../judge/verdict.js';
import type { CodeOf } from '../cells.js';

/**
 * A port Docker did not publish is decided by the engine's own facts, with nothing to try: no probe needed. Undefined
 * when the cell has bindings to knock on.
 */
export function decidePublishedCell(
  cell: PublishedCell,
  judged: MakeJudgement<CodeOf<'published'>>,
): Judgement | undefined {
  if (!cell.fact) return undefined;
  return judged(
    cell.expectation.reachable ? 'fail' : 'pass',
    cell.fact.kind === 'not published' ? 'not-published' : 'dropped-by-docker',
    cell.fact.kind,
    cell.fact.detail,
  );
}

/**
 * The host knocking on a published port (one decidePublishedCell left undecided). A port expected blocked that is
 * published is a finding whether or not it answers right now.
 */
export function judgePublishedCell(
  cell: PublishedCell,
  evidence: Evidence[],
  result: ProbeResult,
  judged: MakeJudgement<CodeOf<'published'>>,
): Judgement {
  const reachable = cell.expectation.reachable;
  const answered = evidence.find(
    (e) => e.observation && (e.observation.outcome === 'open' || e.observation.outcome === 'http'),
  );
  const observed = `${answered ? describeObservation(answered.observation!) : 'no answer'}; ${cell.binding}`;
  const missing = evidence.filter((e) => !e.observation);
  if (reachable) {
    if (answered)
      return judged(
        'pass',
        'reached',
        observed,
        `published on ${cell.binding}, and it answers (${describeObservation(answered.observation!)})${internalOnly(cell)}`,
        answered.observation!.latencyMs,
      );
    if (missing.length > 0)
      return unproven(judged, failClosed.unfinished(`the knock on ${cell.binding}`, result, observed));
    return judged(
      'fail',
      'no-answer',
      observed,
      `published on ${cell.binding}, but it does not answer (${evidence.map((e) => describeObservation(e.observation!)).join(', ')})`,
    );
  }
  const code = cell.allInterfaces ? 'published-all-interfaces' : 'published-on-address';
  return judged(
    'fail',
    code,
    observed,
    `published on ${cell.binding}${answered ? ', and it answers' : ' (it does not answer now, but anyone who can reach the host may once it does)'}${internalOnly(cell)}`,
    answered?.observation?.latencyMs,
  );
}

/** What a verdict adds where the port is bound for containers only on internal networks. */
function internalOnly(cell: PublishedCell): string {
  return cell.internalOnly
    ? `, although ${cell.internalOnly}: this engine keeps the binding (Docker drops it, Podman keeps it), so internal: true does not keep the host from the port`
    : '';
}
