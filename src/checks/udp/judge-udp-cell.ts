import type { Observation } from '../../../probes/agent/protocol.js';
import { failClosed, unproven } from '../../judge/fail-closed.js';
import { describeObservation, NAME_BLOCKED, nameReason } from '../../judge/outcomes.js';
import type { ControlResult, Evidence, Judgement, MakeJudgement } from '../../judge/verdict.js';
import type { ProbeResult } from '../../run/probe-result.js';
import type { CodeOf } from '../cells.js';
import { heardBack, judgeUdpControl, UDP_TRIES } from './udp-control.js';
import type { UdpCell } from './udp-cell.js';

type Judged = MakeJudgement<CodeOf<'udp'>>;

/** What a host configuration alone decides from the host: a port the engine did not publish for UDP. */
export function decideUdpCell(cell: UdpCell, judged: Judged): Judgement | undefined {
  const fact = cell.published?.fact;
  if (fact === undefined) return undefined;
  return judged(cell.expectation?.reachable ? 'fail' : 'pass', 'udp-not-published', 'not published', fact);
}

/**
 * A udp cell, once its probe ran. At the target port, an application's answer is reached and an ICMP port unreachable
 * is the host answering (path open, as a TCP refusal). At a reference port, either proves the address takes UDP from
 * this source: a breach of blocked, and a reachable port whose listener never answers. Blocked only when every
 * attempt stayed silent on every try (or a filter refused it), with the DNS control for names that did not resolve
 * and the probe's UDP control over every family tried; anything else is inconclusive. Asked without an expectation (a
 * drill's), it is asked whether the path is blocked.
 */
export function judgeUdpCell(
  cell: UdpCell,
  evidence: Evidence[],
  control: ControlResult,
  result: ProbeResult,
  judged: Judged,
): Judgement {
  if (cell.published) return judgePublished(cell, evidence, result, judged);
  const reachable = cell.expectation?.reachable === true;
  const missing = evidence.filter((e) => !e.observation);
  if (missing.length > 0)
    return unproven(judged, failClosed.unfinished(missing.map((m) => m.attempt.description).join(', '), result));
  const seen = evidence as { attempt: Evidence['attempt']; observation: Observation }[];
  const references = new Set(cell.references);
  const atPort = seen.filter((e) => !references.has(e.attempt.checkId));
  const atReference = seen.filter((e) => references.has(e.attempt.checkId));
  const line = (e: (typeof seen)[number]) => `${e.attempt.description}: ${describeObservation(e.observation)}`;
  const fail = reachable ? 'pass' : 'fail';

  const answer = atPort.find((e) => e.observation.outcome === 'udp-answer');
  if (answer) {
    const o = answer.observation;
    return judged(
      fail,
      'reached',
      describeObservation(o),
      `${line(answer)}${o.errorCode === 'DP_NOT_DNS' ? ' (an answer, though not the DNS answer to the query)' : ''}`,
      o.latencyMs,
      o,
    );
  }
  const closed = atPort.find((e) => e.observation.outcome === 'udp-port-unreachable');
  if (closed) {
    const o = closed.observation;
    return judged(
      'fail',
      'path-open',
      describeObservation(o),
      `${line(closed)}: the host answered, nothing listens on the port (an ICMP port unreachable)`,
      o.latencyMs,
      o,
    );
  }
  const portSilent = atPort.every((e) => e.observation.outcome === 'udp-silent');
  const host = atReference.find((e) => heardBack(e.observation)) ?? heardAtAddress(atPort, result);
  if (host) {
    const o = host.observation;
    const why = `${host.attempt.description}: ${describeObservation(o)}, so the address takes UDP from this source`;
    if (!reachable || portSilent)
      return judged(
        fail,
        'udp-host-reached',
        describeObservation(o),
        `${why}; the port itself stayed silent (${atPort.map(line).join('; ')})${reachable ? ': a listener that never answers' : ''}`,
        o.latencyMs,
        o,
      );
    const filtered = atPort.find((e) => e.observation.outcome !== 'udp-silent')!;
    return judged(
      'fail',
      'no-answer',
      describeObservation(filtered.observation),
      `${line(filtered)}, while ${why}: the port alone is filtered`,
    );
  }
  const unclassified = seen.find(
    (e) =>
      e.observation.outcome !== 'udp-silent' &&
      e.observation.outcome !== 'unreachable' &&
      !NAME_BLOCKED.has(e.observation.outcome),
  );
  if (unclassified)
    return judged(
      'inconclusive',
      'unclassified',
      describeObservation(unclassified.observation),
      `${unclassified.attempt.description} failed in an unexpected way: ${unclassified.observation.detail ?? unclassified.observation.errorCode ?? unclassified.observation.outcome}`,
    );
  const byName = seen.filter((e) => NAME_BLOCKED.has(e.observation.outcome));
  if (reachable && byName.length > 0 && byName.length === seen.length) {
    const o = byName[0]!.observation;
    const failed = failClosed.controlFailed(control, { dns: true });
    if (failed)
      return judged('inconclusive', failed.code, describeObservation(o), `the name did not resolve, but ${failed.why}`);
    return judged('fail', 'not-resolved', describeObservation(o), nameReason(o) + forwarded(cell), o.latencyMs);
  }
  const once = seen.find((e) => e.observation.outcome === 'udp-silent' && (e.observation.tries ?? 1) < UDP_TRIES);
  if (once)
    return judged(
      'inconclusive',
      'udp-silent',
      describeObservation(once.observation),
      `${once.attempt.description} was sent ${once.observation.tries ?? 1} time(s) only: one silent datagram may be the ICMP rate limit's`,
    );
  if (reachable) {
    const refused = atPort.find((e) => e.observation.outcome === 'unreachable');
    if (refused)
      return judged(
        'fail',
        'no-answer',
        describeObservation(refused.observation),
        `${line(refused)}: refused on the way (ICMP prohibited, or no route)`,
      );
    return judged(
      'inconclusive',
      'udp-silent',
      'silent',
      `no answer and no ICMP error at the port or its address's reference ports, each tried ${UDP_TRIES} times at least 1 s apart: a listener that never answers and a filter look alike (${seen.map(line).join('; ')})`,
    );
  }
  // Blocked: names that did not resolve need the DNS control, silence the UDP control of each family tried.
  const dns = failClosed.controlFailed(control, { dns: byName.length > 0 });
  if (dns)
    return judged(
      'inconclusive',
      dns.code,
      describeObservation(byName[0]!.observation),
      `the name did not resolve, but ${dns.why}`,
    );
  for (const family of [4, 6] as const) {
    if (!seen.some((e) => e.attempt.family === family && !NAME_BLOCKED.has(e.observation.outcome))) continue;
    const held = judgeUdpControl(cell.controls[family], result);
    const failed = failClosed.kindControlFailed(
      held,
      'udp-control-failed',
      `the probe's UDP control${family === 6 ? ' over IPv6' : ''}`,
    );
    if (failed)
      return judged('inconclusive', failed.code, 'silent', `every UDP attempt stayed silent, but ${failed.why}`);
  }
  const slowest = seen.reduce((max, e) => Math.max(max, e.observation.latencyMs), 0);
  return judged(
    'pass',
    'blocked',
    'silent',
    `blocked: ${seen.map(line).join('; ')}${byName.length > 0 ? forwarded(cell) : ''}`,
    slowest,
  );
}

/** What a verdict adds where the source's DNS forwards a name it does not know to resolvers upstream. */
function forwarded(cell: UdpCell): string {
  return cell.namesForwarded ? `; the name was forwarded upstream: ${cell.namesForwarded}` : '';
}

// From the host: only an application's answer counts (docker-proxy swallows ICMP). Published and expected blocked is
// a finding whether or not it answers now, as for a TCP port.
function judgePublished(cell: UdpCell, evidence: Evidence[], result: ProbeResult, judged: Judged): Judgement {
  const binding = cell.published!.binding ?? 'no binding';
  const answer = evidence.find((e) => e.observation?.outcome === 'udp-answer')?.observation;
  const observed = `${answer ? describeObservation(answer) : 'no answer'}; ${binding}`;
  if (cell.expectation?.reachable) {
    if (answer)
      return judged(
        'pass',
        'reached',
        observed,
        `published on ${binding}, and it answers (${describeObservation(answer)})`,
        answer.latencyMs,
        answer,
      );
    const missing = evidence.filter((e) => !e.observation);
    if (missing.length > 0)
      return unproven(judged, failClosed.unfinished(`the datagram to ${binding}`, result, observed));
    return judged(
      'inconclusive',
      'udp-published-silent',
      observed,
      `published on ${binding}, but no application answered (${evidence.map((e) => describeObservation(e.observation!)).join(', ')}); from the host docker-proxy swallows ICMP, so a closed port and a listener that never answers look alike: only an answer proves it reachable`,
    );
  }
  return judged(
    'fail',
    'udp-published',
    observed,
    `published on ${binding}${answer ? ', and it answers' : ' (no answer now; docker-proxy swallows ICMP, so silence says nothing)'}`,
    answer?.latencyMs,
    answer,
  );
}

// A datagram of the same probe to another port of an attempt's address that heard back (another cell's port, or its
// UDP control toward this very peer): the address takes UDP from this source as surely as at a reference port.
function heardAtAddress(
  atPort: readonly { attempt: Evidence['attempt']; observation: Observation }[],
  result: ProbeResult,
): { attempt: Evidence['attempt']; observation: Observation } | undefined {
  const addresses = new Set(atPort.map((e) => e.observation.address).filter((a) => a !== undefined));
  if (addresses.size === 0) return undefined;
  for (const o of result.observations.values()) {
    if (o.kind !== 'udp' || o.address === undefined || !addresses.has(o.address) || !heardBack(o)) continue;
    const attempt = atPort.find((e) => e.observation.address === o.address)!.attempt;
    return {
      attempt: { ...attempt, description: `${o.address}:${o.port}/udp (another datagram of this probe)` },
      observation: o,
    };
  }
  return undefined;
}
