import type { Observation } from '../../probes/agent/protocol.js';
import type { ProbeSpec } from '../plan/plan.js';
import type { ProbeResult } from '../run/probe-result.js';
import type { ControlPeerUsed } from './verdict.js';

/**
 * The checks of a probe that try a control peer of dockprobe's own but never ran: it asked for one and was given none
 * (or none at that address family). They are no reach control: the probe ran without them.
 */
export function ownPeerChecksNotRun(spec: ProbeSpec, result: ProbeResult): Set<string> {
  const own = spec.controls.ownPeer;
  if (own?.kind !== 'wanted') return new Set();
  const peer = result.controlPeer?.status === 'ready' ? result.controlPeer : undefined;
  return new Set(
    [
      peer?.address === undefined ? own.checkId : undefined,
      peer?.address6 === undefined ? own.checkId6 : undefined,
    ].filter((id): id is string => id !== undefined),
  );
}

/** Which peer a reach control that answered (`reached`) tried: a container of the deployment, or dockprobe's own. */
export function controlPeerUsed(
  spec: ProbeSpec,
  result: ProbeResult,
  reached: Observation | undefined,
): ControlPeerUsed | undefined {
  if (!reached) return undefined;
  const id = reached.id.split('@')[0]!;
  const own = spec.controls.ownPeer;
  const peer = result.controlPeer;
  if (own?.kind === 'wanted' && (id === own.checkId || id === own.checkId6) && peer?.status === 'ready')
    return {
      kind: 'dockprobe',
      container: peer.container,
      containerId: peer.containerId,
      network: peer.network,
      address: (id === own.checkId ? peer.address : peer.address6)!,
      port: peer.port,
    };
  const real = spec.controls.peers?.[id];
  const check = spec.plan.checks.find((c) => c.id === id);
  return real && check?.kind === 'tcp'
    ? { kind: 'service', service: real.service, container: real.container, address: check.host, port: check.port }
    : undefined;
}

/** How a report names a peer that was reached: `peer redis (ref-redis-1)`, `dockprobe's own control peer …`. */
export function describePeer(peer: ControlPeerUsed): string {
  return peer.kind === 'service'
    ? `peer ${peer.service} (${peer.container})`
    : `dockprobe's own control peer ${peer.container} (${peer.containerId}) on network ${peer.network}`;
}

/**
 * Why a probe had nothing to prove reach against, beyond having no running peer on its networks: dockprobe could give
 * it no control peer of its own, and why (what the user can do is in the reason). Undefined when it asked for none.
 */
export function noOwnPeerReason(spec: ProbeSpec, result: ProbeResult): string | undefined {
  const own = spec.controls.ownPeer;
  if (own?.kind === 'impossible') return own.reason;
  if (own?.kind !== 'wanted') return undefined;
  const peer = result.controlPeer;
  if (peer === undefined) return `no control peer of dockprobe's own was given to it on network ${own.network.name}`;
  if (peer.status === 'unavailable') return peer.reason;
  return undefined;
}
