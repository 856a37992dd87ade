import { isReached } from '../../../probes/agent/protocol.js';
import type { ProbeSpec } from '../../plan/plan.js';
import type { PortCell } from './port-cell.js';
import type { ProbeResult } from '../../run/probe-result.js';
import { failClosed, unproven } from '../../judge/fail-closed.js';
import { describeObservation, PATH_BLOCKED } from '../../judge/outcomes.js';
import type { ControlResult, Evidence, Judgement, MakeJudgement } from '../../judge/verdict.js';
import type { CodeOf } from '../cells.js';

/**
 * A drill's TCP connection to one address and port, asked whether it is blocked. A connection that opened is reached;
 * a refusal is the target's host answering (the path is open, nothing listens on the port now); silence counts as
 * blocked only where the probe's controls held and, between containers, where the same address answered this probe
 * on no other port.
 */
export function judgePortCell(
  cell: PortCell,
  evidence: Evidence[],
  spec: ProbeSpec,
  control: ControlResult,
  result: ProbeResult,
  judged: MakeJudgement<CodeOf<'port'>>,
): Judgement {
  const attempt = cell.attempts[0]!;
  const o = evidence[0]?.observation;
  const what = attempt.description;
  if (!o) return unproven(judged, failClosed.unfinished(what, result));
  const observed = describeObservation(o);
  if (o.outcome === 'refused')
    return judged(
      'fail',
      'path-open',
      observed,
      `${what} answered with a refusal: the path is open, nothing listens on port ${cell.port} now`,
      o.latencyMs,
      o,
    );
  if (isReached(o.outcome)) return judged('fail', 'reached', observed, `${what}: ${observed}`, o.latencyMs, o);
  if (!PATH_BLOCKED.has(o.outcome))
    return judged(
      'inconclusive',
      'unclassified',
      observed,
      `${what} failed in an unexpected way: ${o.detail ?? o.errorCode ?? o.outcome}`,
      undefined,
      o,
    );
  // IPv6 is its own path: silence there proves something only where the probe reached a peer over IPv6 too.
  const failed = failClosed.controlFailed(control, { reach: true, reach6: attempt.family === 6 });
  if (failed)
    return judged('inconclusive', failed.code, observed, `${what} did not answer, but ${failed.why}`, undefined, o);
  // Between containers Docker isolates networks, not ports: a container address that answered this very probe on
  // another port is on an open path, and silence on this one is no isolation. Seen under load (a listener with a full
  // backlog drops SYNs), it would list a reachable service as blocked. Left out: the host's gateway (a host firewall
  // that drops some ports and accepts others is ordinary) and the LAN neighbour (from outside, Docker's own rules
  // accept published ports one by one): there, silence on one port is a real block.
  const answered =
    cell.via === 'container' && spec.placement.kind !== 'lan'
      ? answeredPorts(result)
          .get(cell.address)
          ?.filter((p) => p !== cell.port)
      : undefined;
  if (answered && answered.length > 0) {
    const ports = answered.slice(0, 3).join(', ') + (answered.length > 3 ? ` and ${answered.length - 3} more` : '');
    return judged(
      'inconclusive',
      'silent-port-host-answered',
      observed,
      `${what} did not answer (${o.outcome}), but ${cell.address} answered this probe on port${answered.length === 1 ? '' : 's'} ${ports}: the path is open, so the silence is the listener's (its backlog full under load?) or a filter on this port alone`,
      undefined,
      o,
    );
  }
  return judged(
    'pass',
    'no-answer',
    observed,
    `${what} did not answer (${o.outcome}${o.errorCode ? `, ${o.errorCode}` : ''})`,
    o.latencyMs,
    o,
  );
}

/**
 * The ports each address answered on (a connection opened, an HTTP answer, or a refusal) among one probe's
 * observations, computed once per probe: a drill probe holds thousands of checks.
 */
const answeredByResult = new WeakMap<ProbeResult, Map<string, number[]>>();
function answeredPorts(result: ProbeResult): Map<string, number[]> {
  let answered = answeredByResult.get(result);
  if (!answered) {
    answered = new Map();
    for (const o of result.observations.values()) {
      if (o.address === undefined || o.port === undefined || !(isReached(o.outcome) || o.outcome === 'refused'))
        continue;
      const ports = answered.get(o.address) ?? [];
      if (!ports.includes(o.port)) ports.push(o.port);
      answered.set(o.address, ports);
    }
    for (const ports of answered.values()) ports.sort((a, b) => a - b);
    answeredByResult.set(result, answered);
  }
  return answered;
}
