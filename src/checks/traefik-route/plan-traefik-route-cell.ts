import { ScenarioError } from '../../errors/scenario-error.js';
import type { Step } from '../../plan/checks.js';
import type { Cell } from '../../plan/plan.js';
import type { ProbeBuilder } from '../../plan/probe-builder.js';
import type { Expectation, TraefikCheck } from '../../scenario/scenario.js';
import type { Topology, TopologyService } from '../../topology/topology.js';
import { findTraefikRoutes, type RoutedService, type TraefikRoute } from '../../traefik/find-routes.js';
import { planLiveRead, routeTry } from '../../traefik/plan-live-read.js';
import type { TraefikProxy } from '../../traefik/traefik.js';
import { cellBase } from '../cell-base.js';
import type { TraefikRouteCell } from './traefik-route-cell.js';

/** The proxy of a `traefik:` check and the services it routes; a miss is an error in the scenario, at the key. */
export function traefikRoutes(
  check: TraefikCheck,
  topology: Topology,
): { proxy: TraefikProxy; proxyService: TopologyService; services: RoutedService[] } {
  const project = check.project;
  if (!project) throw new Error('planning: the traefik check has no project (resolveTopology checks it)');
  const search = findTraefikRoutes(topology, { project, proxy: check.proxy });
  const fail = (message: string, hint: string) => new ScenarioError([{ ...check.position, message, hint }]);
  switch (search.kind) {
    case 'routes':
      return search;
    case 'no-proxy':
      throw search.named !== undefined
        ? fail(
            `service '${search.named}' is not in project '${project}'`,
            `services: ${search.looked.join(', ') || '(none)'}`,
          )
        : fail(
            `no Traefik proxy in project '${project}': no service runs a traefik image or a traefik command (services: ${search.looked.join(', ') || 'none'})`,
            'name the proxy: traefik: { proxy: SERVICE }',
          );
    case 'several-proxies':
      throw fail(
        `several services of project '${project}' run Traefik: ${search.candidates.join(', ')}`,
        `name the one to check: traefik: { proxy: ${search.candidates[0]} }`,
      );
    case 'no-routes':
      throw fail(
        `Traefik proxy '${search.proxy.service}' routes no service here: no container carries Traefik routing labels that it reads${search.unread.length ? ` (${search.unread.join('; ')})` : ''}`,
        'a routed service has traefik.enable=true or traefik.http.routers.… labels; without routes, remove traefik: from the scenario',
      );
  }
}

/**
 * The expectation a `traefik:` check stands for: from inside the proxy, every route reachable. Reports name it and
 * point at the key; the probes it needs are those of `from: { service: <proxy> }`, shared with any such entry.
 */
export function traefikExpectation(check: TraefikCheck, proxy: TraefikProxy): Expectation {
  return {
    index: -1,
    name: `Traefik routes of ${proxy.service}`,
    from: { kind: 'service', service: proxy.service, project: proxy.project },
    to: [],
    reachable: true,
    timeoutMs: check.timeoutMs,
    retries: check.retries,
    position: check.position,
  };
}

/** `route api:3001`, and the container when the service has several: `route api:3001 (shop-api-2)`. */
export function routeLabel(service: RoutedService, route: TraefikRoute): string {
  const ports = route.ports.ports.length > 0 ? `:${route.ports.ports.join(',')}` : '';
  return `route ${service.service}${ports}${service.routes.length > 1 ? ` (${route.container.name})` : ''}`;
}

/**
 * One route, tried from inside the proxy: a TCP connection to the container's address on each network Traefik may
 * pick, at each port Traefik sends to. A settled choice is one network; an arbitrary one is all of them, so the
 * verdict can say which the proxy reaches. Whether a network is one the proxy shares is recorded by id: the real
 * network, not a name.
 */
export function planTraefikRouteCell(
  expectation: Expectation,
  proxy: TraefikProxy,
  route: TraefikRoute,
  label: string,
  probe: ProbeBuilder | { key: string; label: string; precondition: Cell['precondition'] },
  step: Step,
): TraefikRouteCell {
  const base = cellBase(expectation, label, probe);
  // The proxy's networks: its container's here; a job standing for its task on another node is on the task's.
  const proxyNetworks =
    'placement' in probe && probe.placement.kind === 'container'
      ? probe.placement.container.networks.map((n) => ({ id: n.networkId, name: n.networkName }))
      : 'placement' in probe && probe.placement.kind === 'job'
        ? probe.networks.map((n) => ({ id: n.id, name: n.name }))
        : [];
  const cell: TraefikRouteCell = {
    kind: 'traefik-route',
    ...base,
    id: `traefik/${probe.key}/${label}`,
    proxy,
    route,
    proxyNetworks,
    tries: [],
  };
  if ('precondition' in probe) {
    cell.precondition = probe.precondition;
    return cell;
  }
  cell.touches.push(route.container.id);
  if (!route.container.running) {
    cell.precondition = {
      code: 'target-not-running',
      text: `routed service '${route.backend.service}' has no running container (${route.container.name} ${route.container.state}): Traefik has nothing to send to`,
    };
    return cell;
  }
  for (const network of route.choice.candidates) {
    for (const port of route.ports.ports) {
      cell.attempts.push({
        checkId: probe.add(routeTry(network.address!, port, step)),
        via: 'address',
        description: `${network.address}:${port} (${route.container.name} on ${network.composeName ?? network.name})`,
        family: 4,
      });
      cell.tries.push({ network, port, shared: proxyNetworks.some((n) => n.id === network.id) });
    }
  }
  cell.live = planLiveRead(proxy, route, probe, proxyNetworks, step);
  return cell;
}
