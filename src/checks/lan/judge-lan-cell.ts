import type { LanCell } from './lan-cell.js';
import type { ProbeResult } from '../../run/probe-result.js';
import { failClosed, unproven } from '../../judge/fail-closed.js';
import { describeObservation } from '../../judge/outcomes.js';
import type { ControlResult, Evidence, MakeJudgement, Judgement } from '../../judge/verdict.js';
import type { CodeOf } from '../cells.js';

/**
 * A LAN neighbour trying a service. At a container's own address, a refusal is the container's kernel answering:
 * the host forwarded the packet, so the path is open. At the host's address a refusal is the host's: nothing is
 * published there, which is what blocked means for that attempt. Silence counts as blocked only when the neighbour
 * proved it reaches the host (its control: dockprobe's listener on the host's end of its link).
 */
export function judgeLanCell(
  cell: LanCell,
  evidence: Evidence[],
  control: ControlResult,
  result: ProbeResult,
  judged: MakeJudgement<CodeOf<'lan'>>,
): Judgement {
  const answered = (e: Evidence) =>
    e.observation !== undefined &&
    (e.observation.outcome === 'open' ||
      e.observation.outcome === 'http' ||
      (e.attempt.via === 'address' && (e.observation.outcome === 'refused' || e.observation.outcome === 'reset')));
  const direct = evidence.find((e) => e.attempt.via === 'address' && answered(e));
  const published = evidence.find((e) => e.attempt.via === 'published' && answered(e));
  const hit = direct ?? published;
  const tried = evidence
    .map((e) => `${e.attempt.description}: ${e.observation ? describeObservation(e.observation) : 'not finished'}`)
    .join('; ');
  const observed = hit
    ? `${describeObservation(hit.observation!)} at ${hit.attempt.description}`
    : `no answer (${evidence.map((e) => (e.observation ? describeObservation(e.observation) : 'not finished')).join(', ')})`;
  const code = direct ? ('lan-reached-container' as const) : ('lan-reached-published' as const);
  if (cell.expectation.reachable) {
    const served = evidence.find((e) => e.observation?.outcome === 'open' || e.observation?.outcome === 'http');
    if (served)
      return judged(
        'pass',
        'reached',
        `${describeObservation(served.observation!)} at ${served.attempt.description}`,
        `reached from the LAN: ${served.attempt.description}`,
        served.observation!.latencyMs,
      );
    const silence = unprovenSilence(evidence, control, result, observed, tried, judged);
    if (silence) return silence;
    return judged('fail', 'no-answer', observed, `not reached from the LAN: ${tried}`);
  }
  if (hit) {
    const why = direct
      ? `the host forwarded a LAN neighbour's packets to the container at its own address (${hit.attempt.description})${describeBindings(cell)}`
      : `published on all interfaces: the neighbour reached it at the host's address (${hit.attempt.description})`;
    return judged('fail', code, observed, why, hit.observation!.latencyMs);
  }
  const silence = unprovenSilence(evidence, control, result, observed, tried, judged);
  if (silence) return silence;
  return judged(
    'pass',
    'blocked',
    observed,
    `not reached from the LAN (${tried}); the neighbour reached the host (${control.detail})`,
  );
}

// No answer counts only once every attempt finished and the neighbour proved it reaches the host (its control: the
// listener on the host's end of its link).
function unprovenSilence(
  evidence: Evidence[],
  control: ControlResult,
  result: ProbeResult,
  observed: string,
  tried: string,
  judged: MakeJudgement<CodeOf<'lan'>>,
): Judgement | undefined {
  if (evidence.some((e) => !e.observation))
    return unproven(judged, failClosed.unfinished(`every attempt (${tried})`, result, observed));
  const failed = failClosed.controlFailed(control, { reach: true });
  return failed && judged('inconclusive', failed.code, observed, `no answer from the LAN, but ${failed.why}`);
}

// Why a direct hit happened, as far as the bindings tell: the operator believes a 127.0.0.1 binding (or none) keeps the
// port off the LAN.
function describeBindings(cell: LanCell): string {
  if (cell.bindings.length === 0) {
    return "; the port is not published at all: the host's FORWARD chain lets LAN traffic into the container's network (e.g. a FORWARD policy of ACCEPT, which engines before 28.0 leave as it is when IP forwarding was on before Docker started)";
  }
  if (cell.bindings.every((b) => !b.startsWith('0.0.0.0:') && !b.startsWith('[::]:'))) {
    return `; the port is published only on ${cell.bindings.join(', ')}, yet engines before 28.0 accept a published port's traffic at the container's address from any interface (moby/moby#45610)`;
  }
  return '';
}
