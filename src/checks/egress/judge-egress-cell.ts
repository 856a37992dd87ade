import { inCidr } from '../../../probes/agent/cidr.js';
import { isReached } from '../../../probes/agent/protocol.js';
import type { ProbeSpec } from '../../plan/plan.js';
import type { EgressCell } from './egress-cell.js';
import type { ProbeResult } from '../../run/probe-result.js';
import { failClosed, unproven } from '../../judge/fail-closed.js';
import { describeObservation, NAME_BLOCKED } from '../../judge/outcomes.js';
import type { ControlResult, Evidence, MakeJudgement, Judgement } from '../../judge/verdict.js';
import type { CodeOf } from '../cells.js';

/**
 * Egress: reached if any outside target is. The probe's default route says which network the traffic leaves
 * through, and a missing one is the quick signal that there is no egress at all. A cell with no expectation (a
 * drill's) is asked whether egress is blocked, as a scenario's expecting it blocked is.
 */
export function judgeEgressCell(
  cell: EgressCell,
  evidence: Evidence[],
  spec: ProbeSpec,
  control: ControlResult,
  result: ProbeResult,
  judged: MakeJudgement<CodeOf<'egress'>>,
): Judgement {
  const route = describeRoute(spec, result);
  const expectsReachable = cell.expectation?.reachable === true;
  const reached = evidence.find(
    (e) => e.observation && (isReached(e.observation.outcome) || e.observation.outcome === 'resolved'),
  );
  if (reached) {
    const o = reached.observation!;
    const how = `reached ${reached.attempt.description} (${describeObservation(o)}) ${route}`;
    return expectsReachable
      ? judged('pass', 'egress-open', describeObservation(o), how, o.latencyMs, o)
      : judged(
          'fail',
          'egress-open',
          describeObservation(o),
          // A drill's row says "reached" already.
          cell.expectation ? `egress is open: ${how}` : how.trim(),
          o.latencyMs,
          o,
        );
  }
  if (evidence.some((e) => !e.observation))
    return unproven(judged, failClosed.unfinished('every internet target', result));
  const outcomes = evidence.map((e) => `${e.attempt.description}: ${describeObservation(e.observation!)}`).join('; ');
  const first = evidence[0]!.observation!;
  const byName = evidence.some((e) => NAME_BLOCKED.has(e.observation!.outcome));
  const noRoute = result.defaultRoute === null;
  if (expectsReachable) {
    if (noRoute) return judged('fail', 'no-egress', 'no route', `no egress: ${route} (${outcomes})`, undefined, first);
    const failed = failClosed.controlFailed(control, { dns: byName });
    if (failed)
      return judged(
        'inconclusive',
        failed.code,
        describeObservation(first),
        `no internet target answered ${route}: ${outcomes}, but ${failed.why}`,
        undefined,
        first,
      );
    return judged(
      'fail',
      'no-egress',
      describeObservation(first),
      `no egress: no internet target answered ${route}: ${outcomes}`,
      undefined,
      first,
    );
  }
  // With no default route nothing can leave: that needs no control. Otherwise the silence counts only where the
  // probe's controls held: a name that did not resolve needs the DNS control, no answer the reach control.
  const failed = noRoute ? undefined : failClosed.controlFailed(control, { dns: byName, reach: true });
  if (failed)
    return judged(
      'inconclusive',
      failed.code,
      describeObservation(first),
      `no internet target answered, but ${failed.why}`,
      undefined,
      first,
    );
  return judged(
    'pass',
    'no-egress',
    noRoute ? 'no route' : describeObservation(first),
    `no egress: ${noRoute ? route : `${outcomes}${route ? `, ${route}` : ''}`}`,
    undefined,
    first,
  );
}

/** Which network a probe's default route leaves through, or that it has none (and on which networks it sits). */
export function describeRoute(spec: ProbeSpec, result: ProbeResult): string {
  const networks = spec.networks
    .map((n) => `${n.composeName ?? n.name}${n.internal ? ' (internal: true)' : ''}`)
    .join(', ');
  if (result.defaultRoute === null) return `no default route; ${spec.label} is only on ${networks}`;
  if (result.defaultRoute === undefined) return '';
  const iface = result.defaultRoute.iface;
  const address = result.interfaces
    .find((i) => i.startsWith(`${iface} `))
    ?.split(' ')[1]
    ?.split('/')[0];
  const network = address ? spec.networks.find((n) => n.subnets.some((s) => inCidr(address, s))) : undefined;
  const via = `(default route via ${result.defaultRoute.gateway} on ${iface})`;
  if (!network) return `through ${iface} ${via}`;
  // Some engines (20.10) give internal networks a gateway and drop their outbound traffic with iptables instead.
  const name = network.composeName ?? network.name;
  return network.internal
    ? `through network ${name}, which is internal: true, so Docker drops outbound traffic ${via}`
    : `through network ${name} ${via}`;
}
