import type { ProbePlan } from '../../probes/agent/protocol.js';
import type { ContainerInfo } from '../docker/container-client.js';
import type { SwarmNode } from '../docker/swarm-client.js';
import type { Expectation, HostTarget, HttpTarget, InternetTarget, TcpTarget } from '../scenario/scenario.js';
import type { TopologyNetwork } from '../topology/topology.js';
import type { TraefikRoute } from '../traefik/find-routes.js';
import type { BackendNetwork, TraefikProxy } from '../traefik/traefik.js';

/** One way a cell's target is tried. */
export interface Attempt {
  checkId: string;
  /**
   * `name`: through DNS, as an application would; `address`: straight to an IP; `published`: a host port; `tasks`:
   * a swarm service's `tasks.<service>` name, its task addresses behind the virtual IP its plain name gives.
   */
  via: 'name' | 'address' | 'published' | 'tasks';
  /** For reports: `redis:6379 by name`, `172.20.0.4:6379 (redis-1 on internal-backend)`. */
  description: string;
  /** The address family tried: IPv6 attempts count as blocked only if the probe proved it reaches a peer over IPv6. */
  family: 4 | 6;
}

/** What every kind of cell has: one (expectation, source probe, target) triple, the unit a verdict is given for. */
interface CellBase {
  /** Stable within the run: `<expectation index>/<probe key>/<target label>`. */
  id: string;
  expectation: Expectation;
  /** The target as shown in reports (with the port filled in when the file left it out). */
  targetLabel: string;
  /** The probe whose observations decide this cell. */
  probeKey: string;
  /** The source as reports name it (the probe's label). */
  source: string;
  attempts: Attempt[];
  /**
   * The deployment's containers this cell's verdict rests on (the target's running containers, the container a
   * service probe joined): if any of them changes during the run, a "blocked" from this cell proves nothing.
   */
  touches: string[];
  /** Why this cell cannot be decided whatever the probe sees (e.g. the target has no running container). */
  precondition:
    | {
        code:
          | 'source-not-running'
          | 'target-not-running'
          | 'target-in-host-network'
          | 'node-unavailable'
          | 'not-routable-from-lan';
        text: string;
      }
    | undefined;
}

/** A zone or a service (or the host, for an outside host) trying to reach one host: by name and, when it must stay
 * blocked, by every address of the target on every network. */
export interface ReachCell extends CellBase {
  kind: 'reach';
  target: HostTarget;
  /**
   * Set when the source has no embedded DNS (the default bridge): the deployment's names cannot resolve there, so
   * the target is tried by address only, and a `dns:` target is decided by this fact alone.
   */
  noEmbeddedDns: string | undefined;
  /**
   * For an HTTP target with `bytes:`: the overlays the answer crosses (their MTU option) and the nodes at each end, so
   * a large answer that stalls while small ones pass is named for what it is (an MTU black hole) and where.
   */
  path?: { overlays: { name: string; mtu: number | undefined }[]; from: string; to: string[] } | undefined;
  /**
   * Set when the target runs in the host's network namespace (network_mode: host): it is tried at the host's address
   * on each of the source's bridges (their gateway). A refusal there is the host saying nothing listens at that
   * address, not a path into the target (every container reaches its gateway), and not proof either way.
   */
  hostNetwork?: boolean | undefined;
}

/** The host knocking on a service's published port: decided by the engine's bindings and by whether they answer. */
export interface PublishedCell extends CellBase {
  kind: 'published';
  target: TcpTarget | HttpTarget;
  /** How the port is bound (`all interfaces (0.0.0.0:32768)`, `127.0.0.1:32769 only`); undefined when it is not. */
  binding: string | undefined;
  /** Whether any binding is on all interfaces: anyone who reaches the host reaches the port. */
  allInterfaces: boolean;
  /**
   * Facts from the engine that decide the cell without any traffic: the port is not published, or Docker dropped a
   * published port because the service is only on internal networks. Set only when there is nothing to try.
   */
  fact: { kind: 'not published' | 'dropped by Docker'; detail: string } | undefined;
}

/**
 * A neighbour on the host's LAN trying a service: at each of its containers' addresses on this host's bridge networks
 * (routed through the host, as a machine beside it would), and at the host's address on the ports published on all
 * interfaces. What answers is what an attacker on the LAN reaches.
 */
export interface LanCell extends CellBase {
  kind: 'lan';
  target: TcpTarget | HttpTarget;
  /** How the target port is published (`127.0.0.1:32768`, `0.0.0.0:8080`); empty when it is not: a direct hit says which. */
  bindings: string[];
}

/** Egress: a probe trying the internet list; reached if any entry answers. */
export interface EgressCell extends CellBase {
  kind: 'egress';
  target: InternetTarget;
}

/**
 * A Traefik route: from inside the proxy's network namespace to a routed container, at its load-balancer port, on
 * each network Traefik may pick for it (one when Traefik's choice is settled, every network of the container when it
 * is arbitrary). What Traefik makes of the container's labels is worked out in traefik/ and carried here as data.
 */
export interface TraefikRouteCell extends CellBase {
  kind: 'traefik-route';
  proxy: TraefikProxy;
  /** The routed container, the provider that reads it, the network Traefik chooses and the ports it sends to. */
  route: TraefikRoute;
  /** The networks the proxy's container is on, by id and real name (none when it has no running container). */
  proxyNetworks: { id: string; name: string }[];
  /** What each attempt tries, in the order of `attempts`: a network Traefik may pick, and a port. */
  tries: { network: BackendNetwork; port: number; shared: boolean }[];
}

/**
 * A cell, by kind. A new kind of check is a new member here, a planner in plan/ and a judge in judge/: the
 * dispatchers switch on `kind` and end in an exhaustiveness check, so a member without both does not compile. On the
 * plan side that is planCell's switch over what cellKind (cell-kind.ts) chooses for a target, unless the kind is made
 * from a check of its own, as traefik-route is; on the judge side, judge.ts's two switches (whether the configuration
 * decides the cell without a probe, and the judge of what the probe saw).
 */
export type Cell = ReachCell | PublishedCell | EgressCell | TraefikRouteCell | LanCell;

/** The checks that prove a probe could have seen something, before any "blocked" from it counts. */
export interface Controls {
  /** Resolves a name the DNS server must know (the probe's own, or the joined container's); undefined on the host. */
  dnsCheckId: string | undefined;
  /** Connections to peers on the source networks: open or refused both prove the probe reaches something. */
  reachCheckIds: string[];
  /** The same over IPv6, planned only when a cell tries a target over IPv6. */
  reach6CheckIds: string[];
}

/**
 * Where a probe runs. `network`: a container on that network, on this engine's node. `container`: in a running
 * container's network namespace. `job`: a swarm job pinned to `node`, for what a container here cannot be: a zone
 * probe on another node or on an overlay that is not attachable (`network`), or a stand-in for a service's task on
 * another node (`task`), on the task's networks but not in its namespace (it does not share the task's localhost,
 * aliases or firewall rules). `host`: in dockprobe's own process.
 */
export type Placement =
  | { kind: 'network'; network: TopologyNetwork }
  | { kind: 'container'; container: ContainerInfo; service: string }
  | { kind: 'job'; node: SwarmNode; network: TopologyNetwork; task?: undefined }
  | { kind: 'job'; node: SwarmNode; network?: undefined; task: { id: string; name: string; service: string } }
  | { kind: 'host' }
  | LanPlacement;

/**
 * A LAN neighbour: a network namespace of its own on the engine's host, joined to it by a veth pair with a /30 of
 * link-local addresses (`host` on the host's end, `neighbour` on the other), routing the containers' subnets through
 * the host. `controlPort`: dockprobe listens on the host's end there; reaching it proves the neighbour's link works.
 */
export interface LanPlacement {
  kind: 'lan';
  host: string;
  neighbour: string;
  controlPort: number;
  /** The IPv4 subnets routed through the host: the local bridge networks' (never a default route). */
  routes: string[];
}

/** One probe: where it runs and what it does. */
export interface ProbeSpec {
  /** Unique within the plan, e.g. `network:dockprobe-ref/public-facing`. */
  key: string;
  /** For reports: `network public-facing`, `service frontend (ref_frontend_1)`, `host`. */
  label: string;
  /** The probe container's name (its DNS control resolves it for network probes); `host` for the host. */
  containerName: string;
  placement: Placement;
  /** The networks the probe sits on, for its controls and to name the network egress goes through. */
  networks: TopologyNetwork[];
  /** Whether unknown names go to an upstream that never answers (see ISOLATED_DNS_UPSTREAM) or the engine's own. */
  dnsUpstream: 'isolated' | 'inherit';
  plan: ProbePlan;
  controls: Controls;
}

/** Scenario × Topology: every probe and every cell of one run. */
export interface Plan {
  runId: string;
  probes: ProbeSpec[];
  cells: Cell[];
}
