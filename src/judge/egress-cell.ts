import { inCidr } from '../../probes/agent/cidr.js';
import { isReached } from '../../probes/agent/protocol.js';
import type { EgressCell, ProbeSpec } from '../plan/plan.js';
import type { ProbeResult } from '../run/probe-result.js';
import { failClosed, unproven } from './fail-closed.js';
import { describeObservation, NAME_BLOCKED } from './outcomes.js';
import type { ControlResult, Evidence, MakeVerdict, Verdict } from './verdict.js';

/**
 * Egress: reached if any outside target is. The probe's default route says which network the traffic leaves
 * through, and a missing one is the quick signal that there is no egress at all.
 */
export function judgeEgressCell(
  cell: EgressCell,
  evidence: Evidence[],
  spec: ProbeSpec,
  control: ControlResult,
  result: ProbeResult,
  verdict: MakeVerdict,
): Verdict {
  const route = describeRoute(spec, result);
  const reached = evidence.find(
    (e) => e.observation && (isReached(e.observation.outcome) || e.observation.outcome === 'resolved'),
  );
  if (reached) {
    const o = reached.observation!;
    const how = `reached ${reached.attempt.description} (${describeObservation(o)}) ${route}`;
    return cell.expectation.reachable
      ? verdict('pass', 'egress-open', describeObservation(o), how, o.latencyMs)
      : verdict('fail', 'egress-open', describeObservation(o), `egress is open: ${how}`, o.latencyMs);
  }
  if (evidence.some((e) => !e.observation))
    return unproven(verdict, failClosed.unfinished('every internet target', result));
  const outcomes = evidence.map((e) => `${e.attempt.description}: ${describeObservation(e.observation!)}`).join('; ');
  const noRoute = result.defaultRoute === null;
  if (cell.expectation.reachable) {
    if (noRoute) return verdict('fail', 'no-egress', 'no route', `no egress: ${route} (${outcomes})`);
    const failed = failClosed.controlFailed(control, {
      dns: evidence.some((e) => NAME_BLOCKED.has(e.observation!.outcome)),
    });
    if (failed)
      return verdict(
        'inconclusive',
        failed.code,
        describeObservation(evidence[0]!.observation!),
        `no internet target answered ${route}: ${outcomes}, but ${failed.why}`,
      );
    return verdict(
      'fail',
      'no-egress',
      describeObservation(evidence[0]!.observation!),
      `no egress: no internet target answered ${route}: ${outcomes}`,
    );
  }
  // With no default route nothing can leave: that needs no control.
  const failed = noRoute ? undefined : failClosed.controlFailed(control, { reach: true });
  if (failed)
    return verdict(
      'inconclusive',
      failed.code,
      describeObservation(evidence[0]!.observation!),
      `no internet target answered, but ${failed.why}`,
    );
  return verdict(
    'pass',
    'no-egress',
    noRoute ? 'no route' : describeObservation(evidence[0]!.observation!),
    `no egress: ${noRoute ? route : `${outcomes}, ${route}`}`,
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
