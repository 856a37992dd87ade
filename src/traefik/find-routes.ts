import type { ContainerInfo } from '../docker/container-client.js';
import type { Topology, TopologyService } from '../topology/topology.js';
import { backendPorts } from './backend-ports.js';
import { chooseNetwork } from './choose-network.js';
import { composeBackend } from './compose-backend.js';
import { detectProxy } from './detect-proxy.js';
import { providerReading } from './provider-reading.js';
import { matchConstraints } from './match-constraints.js';
import { swarmRoutes } from './swarm-backend.js';
import { isRouted, readBackendLabels } from './read-backend-labels.js';
import type { BackendPorts, NetworkChoice, ProviderReading, TraefikBackend, TraefikProxy } from './traefik.js';

/** One backend container the proxy routes to, and what Traefik makes of it. */
export interface TraefikRoute {
  backend: TraefikBackend;
  container: ContainerInfo;
  reading: ProviderReading;
  choice: NetworkChoice;
  ports: BackendPorts;
  /**
   * What leaves the route undecided before any traffic, with the code its verdict takes: constraints dockprobe cannot
   * follow, a health check Traefik waits for, useBindPortIP on a port bound to a host address.
   */
  undecided?: { code: 'traefik-config-unseen' | 'target-not-running' | 'unclassified'; why: string } | undefined;
}

/** A routed service: its routes, one per container (none running: Traefik has nothing to send to). */
export interface RoutedService {
  project: string;
  service: string;
  routes: TraefikRoute[];
}

/** What looking for the proxy and its routes found, as data: the planner turns the misses into scenario errors. */
export type RouteSearch =
  | { kind: 'routes'; proxy: TraefikProxy; proxyService: TopologyService; services: RoutedService[] }
  | { kind: 'no-proxy'; project: string; looked: string[]; named: string | undefined }
  | { kind: 'several-proxies'; project: string; candidates: string[] }
  | { kind: 'no-routes'; proxy: TraefikProxy; unread: string[] };

/**
 * Finds the proxy and every service it routes among the services dockprobe read (the scenario's projects): the
 * containers carrying Traefik routing labels that a provider of this proxy reads, the proxy itself left out (its own
 * labels route to Traefik's internal services, such as the dashboard).
 */
export function findTraefikRoutes(
  topology: Topology,
  request: { project: string; proxy: string | undefined },
): RouteSearch {
  const detection = detectProxy(topology.services, request, topology.traefikConfigs);
  if (detection.kind === 'not-found')
    return { kind: 'no-proxy', project: request.project, looked: detection.looked, named: request.proxy };
  if (detection.kind === 'several')
    return { kind: 'several-proxies', project: request.project, candidates: detection.candidates };
  const { proxy, service: proxyService } = detection;
  const services: RoutedService[] = [];
  const unread = new Set<string>();
  for (const service of topology.services) {
    if (service === proxyService) continue;
    const routes: TraefikRoute[] = [];
    // A stack's service, on a manager: the Swarm provider reads the service (its deploy.labels), one route per task.
    const swarmReading = service.swarm?.service ? providerReading(proxy, { labelSource: 'swarm-service' }) : undefined;
    if (swarmReading && !('unread' in swarmReading)) {
      for (const { backend, container } of swarmRoutes(service, topology)) {
        const route = routeOf(backend, container, swarmReading);
        if (route) routes.push(route);
      }
      if (routes.length > 0) services.push({ project: service.project, service: service.name, routes });
      continue;
    }
    if (swarmReading && 'unread' in swarmReading && isRouted(readBackendLabels(service.swarm!.service!.labels), true))
      unread.add(swarmReading.unread);
    for (const container of service.containers) {
      const backend = composeBackend(container, service, topology);
      const reading = providerReading(proxy, backend);
      if ('unread' in reading) {
        if (isRouted(readBackendLabels(backend.labels), true)) unread.add(reading.unread);
        continue;
      }
      const route = routeOf(backend, container, reading);
      if (route) routes.push(route);
    }
    if (routes.length > 0) services.push({ project: service.project, service: service.name, routes });
  }
  if (services.length === 0) return { kind: 'no-routes', proxy, unread: [...unread] };
  return { kind: 'routes', proxy, proxyService, services };
}

/**
 * A backend as a route, as Traefik's keepContainer and getIPPort decide: not routed unless enabled (or exposed by
 * default), nor when the provider's constraints do not match its labels; a container whose health check does not
 * pass is left out until it does (unless allowEmptyServices); with useBindPortIP, a port bound to a host address is
 * where Traefik sends instead of the network address (not modelled: undecided).
 */
function routeOf(
  backend: TraefikBackend,
  container: ContainerInfo,
  reading: ProviderReading,
): TraefikRoute | undefined {
  const labels = readBackendLabels(backend.labels);
  if (!isRouted(labels, reading.exposedByDefault)) return undefined;
  let undecided: TraefikRoute['undecided'];
  if (reading.constraints !== undefined) {
    const matches = matchConstraints(reading.constraints, backend.labels);
    if (matches === false) return undefined;
    if (matches !== true)
      undecided = {
        code: 'traefik-config-unseen',
        why: `whether ${reading.description} routes it depends on ${matches.unknown}`,
      };
  }
  const ports = backendPorts(labels, backend.exposedPorts);
  if (!undecided && backend.labelSource === 'container' && !reading.allowEmptyServices) {
    if (container.health !== undefined && container.health !== 'healthy')
      undecided = {
        code: 'target-not-running',
        why: `${container.name} is ${container.health}: ${reading.description} routes no container whose health check does not pass (allowEmptyServices is off)`,
      };
  }
  if (!undecided && reading.useBindPortIP && backend.labelSource === 'container') {
    // getPortBinding takes the first binding of the port's entry (tcp or udp, whichever its map meets first).
    const bound = container.ports
      .filter((p) => ports.ports.includes(p.port) && (p.protocol === 'tcp' || p.protocol === 'udp'))
      .map((p) => p.published[0])
      .find((b) => b !== undefined && b.hostIp !== '' && b.hostIp !== '0.0.0.0');
    if (bound)
      undecided = {
        code: 'unclassified',
        why: `with useBindPortIP, ${reading.description} may send to the host binding ${bound.hostIp}:${bound.hostPort} instead of a network address: not modelled`,
      };
  }
  return {
    backend,
    container,
    reading,
    choice: chooseNetwork(reading, backend),
    ports,
    ...(undecided ? { undecided } : {}),
  };
}
