import type { Expectation, SourceRef, TraefikCheck } from '../../scenario/scenario.js';
import type { Topology } from '../../topology/topology.js';
import type { KeySource } from '../check-kind.js';
import { planTraefikRouteCell, routeLabel, traefikExpectation, traefikRoutes } from './plan-traefik-route-cell.js';
import type { TraefikRouteCell } from './traefik-route-cell.js';

/**
 * The cells of a scenario's `traefik:` checks: one per routed container (one, inconclusive, for a routed service with
 * no running container), from each probe of the proxy (the same probes as `from: { service: <proxy> }`), and the
 * expectation each check stands for.
 */
export function planTraefikRoutes(
  checks: readonly TraefikCheck[],
  topology: Topology,
  sources: (from: SourceRef) => KeySource[],
): { cells: TraefikRouteCell[]; expectations: Expectation[] } {
  const cells: TraefikRouteCell[] = [];
  const expectations: Expectation[] = [];
  for (const check of checks) {
    const { proxy, services } = traefikRoutes(check, topology);
    const expectation = traefikExpectation(check, proxy);
    expectations.push(expectation);
    const step = { timeoutMs: expectation.timeoutMs, retries: expectation.retries };
    for (const probe of sources(expectation.from)) {
      for (const service of services) {
        const running = service.routes.filter((r) => r.container.running);
        const routes = running.length > 0 ? running : service.routes;
        for (const route of running.length > 0 ? running : service.routes.slice(0, 1)) {
          cells.push(
            planTraefikRouteCell(expectation, proxy, route, routeLabel({ ...service, routes }, route), probe, step),
          );
        }
      }
    }
  }
  return { cells, expectations };
}
