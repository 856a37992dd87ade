import type { ContainerInfo } from '../docker/container-client.js';
import { DockprobeError, ErrorCodes } from '../errors/dockprobe-error.js';
import { UnknownNameError } from '../errors/unknown-name-error.js';
import { lanPlacement } from '../plan/lan-placement.js';
import type { Placement } from '../plan/plan.js';
import {
  containerStates,
  runningContainers,
  type TopologyNetwork,
  type TopologyService,
} from '../topology/topology.js';
import type { UnprobedSource } from './drill-plan.js';
import type { DrillFrom } from './drill-from.js';
import type { DrillNames } from './drill-names.js';
import type { World } from '../topology/world.js';

/** Where one probe of the drill runs. */
export interface DrillSource {
  key: string;
  label: string;
  placement: Placement;
  networks: TopologyNetwork[];
  /** The container a service probe joins: not a target of its own drill. */
  self: ContainerInfo | undefined;
  service: TopologyService | undefined;
}

/**
 * Where the probes go: each running container of the service, a container on the network, or every service's.
 * A name that matches nothing lists what exists; one that matches in two projects asks for --project.
 */
export function drillSources(
  from: DrillFrom,
  world: World,
  names: DrillNames,
  runId: string,
): { sources: DrillSource[]; unprobed: UnprobedSource[] } {
  const { topology } = world;
  if (from.kind === 'lan')
    return {
      sources: [
        {
          key: 'lan',
          label: 'lan',
          placement: lanPlacement(runId, topology),
          networks: [],
          self: undefined,
          service: undefined,
        },
      ],
      unprobed: [],
    };
  if (from.kind === 'network') {
    const matches = topology.networks.filter(
      (n) =>
        (n.composeName === from.network && n.project !== undefined && topology.projects.includes(n.project)) ||
        n.name === from.network ||
        n.id === from.network,
    );
    const exact = matches.filter((n) => n.name === from.network || n.id === from.network);
    const chosen = exact.length === 1 ? exact : matches;
    if (chosen.length === 0)
      throw new UnknownNameError(
        'network',
        from.network,
        [...new Set(topology.networks.map((n) => names.network(n, n.name)))].sort(),
      );
    if (chosen.length > 1) {
      throw new DockprobeError(
        ErrorCodes.USAGE,
        `--from network:${from.network} names ${chosen.length} networks (${chosen.map((n) => n.name).join(', ')})`,
        { hint: 'name its project with --project, or give the Docker name of the network' },
      );
    }
    const network = chosen[0]!;
    if (network.driver === 'host' || network.driver === 'null') {
      throw new DockprobeError(
        ErrorCodes.USAGE,
        `--from network:${from.network} is the ${network.driver === 'host' ? "host's own network namespace" : 'network of containers without networking'}: no zone to drill from`,
        { hint: 'name a bridge or overlay network, or a service' },
      );
    }
    if (network.scope === 'swarm' && !network.attachable) {
      throw new DockprobeError(
        ErrorCodes.USAGE,
        `--from network:${from.network} is a swarm overlay that is not attachable: no probe container can join it`,
        { hint: 'drill from a service on it (--from SERVICE), or make the network attachable' },
      );
    }
    return {
      sources: [
        {
          key: `network:${network.id}`,
          label: `network ${names.network(network, network.name)}`,
          placement: { kind: 'network', network },
          networks: [network],
          self: undefined,
          service: undefined,
        },
      ],
      unprobed: [],
    };
  }
  let services: TopologyService[];
  if (from.kind === 'service') {
    services = topology.services.filter((s) => s.name === from.service);
    if (services.length === 0)
      throw new UnknownNameError(
        'service',
        from.service,
        [...new Set(topology.services.map((s) => names.service(s.project, s.name)))].sort(),
      );
    if (services.length > 1) {
      throw new DockprobeError(
        ErrorCodes.USAGE,
        `--from ${from.service} names a service in ${services.length} projects (${services.map((s) => s.project).join(', ')})`,
        { hint: `name one with --project, e.g. --project ${services[0]!.project}` },
      );
    }
  } else {
    services = topology.services;
  }
  const sources: DrillSource[] = [];
  const unprobed: UnprobedSource[] = [];
  for (const service of services) {
    const label = `service ${names.service(service.project, service.name)}`;
    const running = runningContainers(service);
    if (running.length === 0) {
      unprobed.push({
        source: label,
        code: 'source-not-running',
        reason: `service ${service.name} has no running container to probe from (${containerStates(service)})`,
      });
      continue;
    }
    const many = service.containers.length > 1;
    for (const container of running) {
      sources.push({
        key: `service:${service.project}/${service.name}/${container.name}`,
        label: many ? `${label} (${container.name})` : label,
        placement: { kind: 'container', container, service: service.name },
        networks: topology.networks.filter((n) => container.networks.some((m) => m.networkId === n.id)),
        self: container,
        service,
      });
    }
  }
  return { sources, unprobed };
}
