import type { TraefikRoute } from '../../traefik/find-routes.js';
import type { BackendNetwork, TraefikLive, TraefikProxy } from '../../traefik/traefik.js';
import type { ExpectedCell } from '../cell-base.js';
import type { CodeTable } from '../code-table.js';

/**
 * A Traefik route: from inside the proxy's network namespace to a routed container, at its load-balancer port, on
 * each network Traefik may pick for it (one when Traefik's choice is settled, every network of the container when it
 * is arbitrary). What Traefik makes of the container's labels is worked out in traefik/ and carried here as data.
 */
export interface TraefikRouteCell extends ExpectedCell {
  kind: 'traefik-route';
  proxy: TraefikProxy;
  /** The routed container, the provider that reads it, the network Traefik chooses and the ports it sends to. */
  route: TraefikRoute;
  /** The networks the proxy's container is on, by id and real name (none when it has no running container). */
  proxyNetworks: { id: string; name: string }[];
  /** What each attempt tries, in the order of `attempts`: a network Traefik may pick, and a port. */
  tries: { network: BackendNetwork; port: number; shared: boolean }[];
  /** How the route is compared with what Traefik actually chose (its API), or why it is not; undefined: not planned. */
  live?: TraefikLive | undefined;
}

/** The codes a traefik-route cell gives of its own (beside the shared ones: checks/shared-codes.ts). */
export const TRAEFIK_ROUTE_CODES = {
  'traefik-route-reached': {
    path: 'open',
    meaning:
      "Traefik's network for the routed service is settled on one the proxy shares, and the service answers there at its load-balancer port from inside the proxy",
  },
  'traefik-network-ambiguous': {
    path: 'unknown',
    meaning:
      'the routed service is on several networks and nothing chooses among them: Traefik picks any, and may pick another at each rebuild (an intermittent 502)',
  },
  'traefik-label-ignored': {
    path: 'unknown',
    meaning: 'a network label is set that this Traefik provider and version does not read: it chooses nothing',
  },
  'traefik-label-not-found': {
    path: 'unknown',
    meaning:
      "the network label names no network of the routed service (often the project's prefix is missing): Traefik falls back to any of its networks",
  },
  'traefik-labels-conflict': {
    path: 'unknown',
    meaning: 'a Swarm service carries both traefik.docker.* and traefik.swarm.* labels: Traefik v3.2.2+ drops it',
  },
  'traefik-no-port': {
    path: 'unknown',
    meaning:
      'no load-balancer port label and no exposed port (or a label that is not a port): Traefik has no port to send to',
  },
  'traefik-network-not-shared': {
    path: 'closed',
    meaning: 'the network Traefik uses for the routed service is not one the proxy is on: every request gets 502',
  },
  'traefik-no-answer': {
    path: 'closed',
    meaning: 'the routed service does not answer on the network and port Traefik uses, from inside the proxy',
  },
  'traefik-config-unseen': {
    path: 'unknown',
    meaning:
      "a setting of the proxy's static configuration decides (its default network, its constraints), and that configuration could not be read or followed (a file that does not read or parse, a path dockprobe could not look at): not guessed",
  },
  'traefik-server-unreachable': {
    path: 'closed',
    meaning:
      'a server Traefik uses now (its API, read from inside the proxy) does not answer from inside the proxy: it is on a network the proxy is not on, or silent, so the 502 is live now',
  },
  'traefik-choice-unexplained': {
    path: 'unknown',
    meaning:
      "Traefik uses a server dockprobe's model did not predict (another network or port, or none where it predicted one), and it answers: the model does not explain Traefik, so the route does not pass",
  },
  'traefik-version-unknown': {
    path: 'unknown',
    meaning: "which network label Traefik reads depends on a version the proxy's image does not tell: not guessed",
  },
} as const satisfies CodeTable;
