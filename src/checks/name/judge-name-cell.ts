import type { NameCell } from './name-cell.js';
import type { ProbeResult } from '../../run/probe-result.js';
import { failClosed, unproven } from '../../judge/fail-closed.js';
import { describeObservation, NAME_BLOCKED } from '../../judge/outcomes.js';
import type { ControlResult, Evidence, Judgement, MakeJudgement } from '../../judge/verdict.js';
import type { CodeOf } from '../cells.js';

/**
 * A drill's lookup of a service's name through the source's DNS, asked whether it is blocked: resolved is reached; a
 * name that did not resolve counts as blocked only where the probe's DNS control held.
 */
export function judgeNameCell(
  cell: NameCell,
  evidence: Evidence[],
  control: ControlResult,
  result: ProbeResult,
  judged: MakeJudgement<CodeOf<'name'>>,
): Judgement {
  const o = evidence[0]?.observation;
  if (!o) return unproven(judged, failClosed.unfinished(`the lookup of ${cell.name}`, result));
  const observed = describeObservation(o);
  if (o.outcome === 'resolved')
    return judged(
      'fail',
      'resolved',
      observed,
      `${cell.name} resolves here to ${o.addresses?.join(', ')}`,
      o.latencyMs,
      o,
    );
  if (!NAME_BLOCKED.has(o.outcome))
    return judged(
      'inconclusive',
      'unclassified',
      observed,
      `the lookup of ${cell.name} failed in an unexpected way: ${o.detail ?? o.errorCode ?? o.outcome}`,
      undefined,
      o,
    );
  const failed = failClosed.controlFailed(control, { dns: true });
  if (failed)
    return judged(
      'inconclusive',
      failed.code,
      observed,
      `${cell.name} did not resolve, but ${failed.why}`,
      undefined,
      o,
    );
  // It does not resolve on the network all the same; where the source's DNS forwards what it does not know, the name
  // was asked upstream too, and the row says so.
  if (cell.namesForwarded)
    return judged(
      'pass',
      'name-forwarded-upstream',
      observed,
      `${cell.name} does not resolve here (${observed}); the name was forwarded upstream: ${cell.namesForwarded}`,
      o.latencyMs,
      o,
    );
  return judged('pass', 'not-resolved', observed, `${cell.name} does not resolve here (${observed})`, o.latencyMs, o);
}
