import type { ContainerInfo, ContainerNetwork } from '../docker/container-client.js';
import { isLocalBridge, type Topology } from '../topology/topology.js';
import type { DrillNames } from './drill-names.js';
import type { DrillSource } from './drill-sources.js';

/** An address the host is tried at from a source, and the network it is on as reports name it. */
export interface HostAddress {
  gateway: string;
  network: string;
}

/**
 * What a source can send packets to, and so what its drill tries. A LAN neighbour (lan-placement.ts) is routed to the
 * local bridges' IPv4 subnets and to the host's end of its link, and nowhere else; a probe in a container has the
 * container's own routes.
 */
export interface SourceRoutes {
  /** A container's networks it is tried on: those where it has an IPv4 address the source can route to. */
  addresses(container: ContainerInfo): ContainerNetwork[];
  /** Whether a container's IPv6 address is tried too, where the probe has one of its own: a LAN neighbour is routed IPv4 only. */
  ipv6: boolean;
  /** Where the host is tried: at each gateway of the source's bridge networks, or at the LAN link's host end. */
  host: HostAddress[];
  /** Whether egress is tried: a LAN neighbour has no default route, so nothing it sends leaves the host. */
  egress: boolean;
}

/** The routes of one drill source. */
export function sourceRoutes(source: DrillSource, topology: Topology, names: DrillNames): SourceRoutes {
  const placement = source.placement;
  if (placement.kind === 'lan') {
    const local = new Set(topology.networks.filter(isLocalBridge).map((n) => n.id));
    return {
      addresses: (container) => container.networks.filter((n) => n.ipv4 !== undefined && local.has(n.networkId)),
      ipv6: false,
      host: [{ gateway: placement.host, network: 'the LAN link' }],
      egress: false,
    };
  }
  return {
    addresses: (container) => container.networks.filter((n) => n.ipv4 !== undefined),
    ipv6: true,
    host: source.networks
      .filter((n) => n.driver === 'bridge' && n.gateway !== undefined)
      .map((n) => ({ gateway: n.gateway!, network: names.network(n, n.name) })),
    egress: true,
  };
}
