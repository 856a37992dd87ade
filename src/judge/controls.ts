import { isReached, type Observation } from '../../probes/agent/protocol.js';
import type { Cell, ProbeSpec } from '../plan/plan.js';
import type { ProbeResult } from '../run/probe-result.js';
import { describeObservation } from './outcomes.js';
import type { ControlResult } from './verdict.js';

/**
 * What a probe's controls proved: its DNS server answered its own name, and it reached something (a running peer on
 * its networks, or a target expected reachable). Without them, "blocked" from that probe proves nothing.
 */
export function judgeControls(spec: ProbeSpec, result: ProbeResult | undefined, cells: readonly Cell[]): ControlResult {
  if (!result || (result.status === 'failed' && result.observations.size === 0)) {
    return { probeKey: spec.key, dns: false, reach: false, detail: 'probe did not run' };
  }
  if (spec.placement.kind === 'host') {
    return { probeKey: spec.key, dns: true, reach: true, detail: "the host connects from this process; its verdicts rest on the engine's port bindings" };
  }
  const dnsObservation = spec.controls.dnsCheckId ? result.observations.get(spec.controls.dnsCheckId) : undefined;
  const dns = dnsObservation?.outcome === 'resolved';
  const peers = spec.controls.reachCheckIds.map((id) => result.observations.get(id)).filter((o): o is Observation => o !== undefined);
  const peerReached = peers.find((o) => isReached(o.outcome));
  // A target expected reachable and reached is as good a control as a peer.
  const targetReached = cells
    .filter((c) => c.probeKey === spec.key && c.expectation.reachable)
    .map((c) => result.observations.get(c.attempts[0]?.checkId ?? ''))
    .find((o) => o !== undefined && (o.outcome === 'open' || o.outcome === 'http'));
  const reached = peerReached ?? targetReached;
  const dnsText = dns ? `DNS answered its own name (${dnsObservation?.addresses?.join(', ')})` : `DNS control failed (${dnsObservation ? describeObservation(dnsObservation) : 'no answer recorded'})`;
  const reachText = reached
    ? `reached ${reached.target} (${describeObservation(reached)})`
    : peers.length === 0 && !targetReached
      ? 'nothing to prove reach against: no running peer on its network and no target expected reachable'
      : `reached nothing (${peers.map((o) => `${o.target} ${o.outcome}`).join(', ') || 'no target expected reachable answered'})`;
  return { probeKey: spec.key, dns, reach: reached !== undefined, detail: `${dnsText}; ${reachText}` };
}
