import type { Check } from '../../probes/agent/protocol.js';
import type { ControlPeerAnswer } from '../run/control-peer-answer.js';
import { findContainer, namespaceOwnerRef, type Topology, type TopologyNetwork } from '../topology/topology.js';
import type { Placement, ProbeSpec } from './plan.js';

/** The port a control peer of dockprobe's own listens on (non-root, so above 1023). */
export const CONTROL_PEER_PORT = 40004;

/**
 * A control peer of dockprobe's own, as planned for a probe whose source has no running peer to reach: the network it
 * joins (one of the source's own, never a target's) and the reach checks that try it, one per address family it is
 * needed for; or why none can be given, which the probe's reach control then says. The checks' host is filled in once
 * the peer answers (bindOwnControlPeer), or the checks are taken out of the plan if it never does.
 */
export type OwnPeerPlan =
  | { kind: 'wanted'; network: { id: string; name: string }; checkId: string | undefined; checkId6: string | undefined }
  | { kind: 'impossible'; reason: string };

/**
 * A probe's control peer of dockprobe's own, when it lacks a running peer for a family (`lacks`): where it goes, and
 * the reach checks that try it, added through `addCheck` with a placeholder host (one per family it lacks; IPv6 only
 * where that network has it); or why there can be none. Undefined when it lacks nothing.
 */
export function planOwnControlPeer(
  probe: { placement: Placement; networks: readonly TopologyNetwork[]; topology: Topology },
  lacks: { ipv4: boolean; ipv6: boolean },
  addCheck: (placeholderHost: string) => string,
): OwnPeerPlan | undefined {
  if (!lacks.ipv4 && !lacks.ipv6) return undefined;
  const own = ownControlPeer(probe.placement, probe.networks, probe.topology);
  if ('impossible' in own) return { kind: 'impossible', reason: own.impossible };
  const { network } = own;
  const ipv6 = lacks.ipv6 && network.subnets.some((n) => n.includes(':'));
  // Only IPv6 lacking, on a network without it: a peer there would prove nothing the probe lacks.
  if (!lacks.ipv4 && !ipv6) return undefined;
  return {
    kind: 'wanted',
    network: { id: network.id, name: network.composeName ?? network.name },
    checkId: lacks.ipv4 ? addCheck(ownPeerPlaceholder(network.id, 4)) : undefined,
    checkId6: ipv6 ? addCheck(ownPeerPlaceholder(network.id, 6)) : undefined,
  };
}

/**
 * Where a control peer of dockprobe's own can go for a probe at `placement` on `networks` (the source's own), or why
 * it cannot: a probe that joins a container's namespace gets it on the first of that container's networks a plain
 * container may join; a network probe on its network. What cannot take one: a namespace shared with another container
 * (network_mode: container:), the host's (network_mode: host), none at all, a swarm overlay that is not attachable, a
 * probe that runs as a swarm job on another node. The reason says what the user can do instead.
 */
export function ownControlPeer(
  placement: Placement,
  networks: readonly TopologyNetwork[],
  topology: Topology,
): { network: TopologyNetwork } | { impossible: string } {
  switch (placement.kind) {
    case 'host':
    case 'lan':
      return { impossible: `the ${placement.kind} probe has a control of its own` };
    case 'job':
      return {
        impossible: placement.task
          ? `the probe stands in for task ${placement.task.name} as a swarm job on node ${placement.node.hostname}, and dockprobe adds control peers only on this engine's node: any other running task on its networks on that node is a peer`
          : `the probe runs as a swarm job on node ${placement.node.hostname}${placement.network.attachable ? '' : ` (network ${nameOf(placement.network)} is not attachable)`}, and dockprobe adds control peers only beside probes on this engine's node: any running task of a service on ${nameOf(placement.network)} on that node is a peer${placement.network.attachable ? '' : `, or make the network attachable (attachable: true) and probe from this node`}`,
      };
    case 'network':
      return joinable(placement.network) === undefined
        ? { network: placement.network }
        : { impossible: joinable(placement.network)! };
    case 'container': {
      const { container, service } = placement;
      const mode = container.networkMode;
      const ownerRef = namespaceOwnerRef(container);
      if (ownerRef !== undefined) {
        const owner = ownerOf(ownerRef, topology);
        return {
          impossible: `service ${service} shares the network namespace of ${owner.label} (network_mode: container:), which dockprobe does not add a peer to; probe from ${owner.service ? `service ${owner.service} (from: { service: ${owner.service} }), the same namespace with its networks known` : 'the container that owns the namespace'}, or give ${service} a network of its own with any running container on it`,
        };
      }
      if (mode === 'host')
        return {
          impossible: `service ${service} runs in the host's network namespace (network_mode: host), where a control peer would listen on the host itself, so dockprobe adds none; what it may reach is what the host may: expect it from the host (from: host)`,
        };
      if (networks.length === 0)
        return {
          impossible: `service ${service} is on no network (network_mode: ${mode || 'none'}): nothing can answer it, so no "blocked" from it can be proven; give it a network, or leave it out of the expectations`,
        };
      const why = networks.map((n) => ({ network: n, refused: joinable(n) }));
      const first = why.find((w) => w.refused === undefined);
      return first ? { network: first.network } : { impossible: why.map((w) => w.refused).join('; ') };
    }
  }
}

/**
 * The probe as it runs once its control peer answered (`answer`): the checks that try the peer get its address for
 * each family, or are taken out of the plan, with the peer, when it has none or never answered. A probe that asked for
 * no peer of dockprobe's own is itself.
 */
export function bindOwnControlPeer(spec: ProbeSpec, answer: ControlPeerAnswer | undefined): ProbeSpec {
  const own = spec.controls.ownPeer;
  if (own?.kind !== 'wanted') return spec;
  const ready = answer?.status === 'ready' ? answer : undefined;
  const hostOf = new Map<string, string | undefined>([
    ...(own.checkId ? [[own.checkId, ready?.address] as const] : []),
    ...(own.checkId6 ? [[own.checkId6, ready?.address6] as const] : []),
  ]);
  const dropped = new Set([...hostOf].filter(([, host]) => host === undefined).map(([id]) => id));
  const checks = spec.plan.checks.flatMap((c): Check[] => {
    if (!hostOf.has(c.id)) return [c];
    const host = hostOf.get(c.id);
    return host === undefined || c.kind !== 'tcp' ? [] : [{ ...c, host }];
  });
  const kept = (ids: readonly string[]) => ids.filter((id) => !dropped.has(id));
  return {
    ...spec,
    plan: { ...spec.plan, checks, controls: kept(spec.plan.controls) },
    controls: {
      ...spec.controls,
      reachCheckIds: kept(spec.controls.reachCheckIds),
      reach6CheckIds: kept(spec.controls.reach6CheckIds),
    },
  };
}

/** The host a check that tries a control peer of dockprobe's own has until the peer's address is known. */
export function ownPeerPlaceholder(networkId: string, family: 4 | 6): string {
  return `control-peer-ipv${family}.${networkId}.invalid`;
}

// Why a plain container cannot join `network`, or undefined when it can.
function joinable(network: TopologyNetwork): string | undefined {
  const name = nameOf(network);
  if (network.driver === 'host' || network.name === 'host')
    return `network ${name} is the host's own network stack, where a control peer would listen on the host itself, so dockprobe adds none`;
  if (network.driver === 'null' || network.name === 'none')
    return `network ${name} has no connectivity at all: nothing can answer on it, so no "blocked" from it can be proven`;
  if (network.ingress)
    return `network ${name} is the swarm's routing mesh, which only published ports of services join`;
  if (network.scope === 'swarm' && !network.attachable)
    return `network ${name} is a swarm overlay that is not attachable: only a service's task can join it, and dockprobe adds a container; make it attachable (attachable: true under its networks: entry) or run any service with a task on it on this node`;
  return undefined;
}

function nameOf(network: TopologyNetwork): string {
  return network.composeName ?? network.name;
}

// The container (and its service) whose namespace `id` is: `service api (ref-api-1)`, or the id when not in scope.
function ownerOf(id: string, topology: Topology): { label: string; service: string | undefined } {
  const owner = findContainer(topology, id);
  return owner
    ? { label: `service ${owner.service.name} (${owner.container.name})`, service: owner.service.name }
    : { label: `container ${id.slice(0, 12)}`, service: undefined };
}
