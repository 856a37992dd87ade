import type { CheckKind } from '../check-kind.js';
import { decideTraefikRouteCell, judgeTraefikRouteCell } from './judge-traefik-route-cell.js';
import { planTraefikRoutes } from './plan-traefik-routes.js';
import { TRAEFIK_ROUTE_CODES } from './traefik-route-cell.js';

/**
 * Traefik routes: from inside the proxy to each routed container, on each network Traefik may pick, at its
 * load-balancer port. A scenario's `traefik:` key makes its cells; what Traefik makes of the labels is the Traefik
 * domain model's (src/traefik/), carried in the cell as data.
 */
export const traefikRouteKind = {
  kind: 'traefik-route',
  proves:
    "inside the Traefik proxy → a routed container's address on each network Traefik may pick, at its load-balancer port",
  codes: TRAEFIK_ROUTE_CODES,
  fromKey: { plan: planTraefikRoutes },
  decide: (cell, seen, judged) => decideTraefikRouteCell(cell, seen.evidence, seen.result, judged),
  judge: (cell, seen, judged) => judgeTraefikRouteCell(cell, seen.evidence, seen.control, seen.result, judged),
} satisfies CheckKind<'traefik-route'>;
