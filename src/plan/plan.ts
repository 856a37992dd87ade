import type { ProbePlan } from '../../probes/agent/protocol.js';
import type { ContainerInfo } from '../docker/container-client.js';
import type { SwarmNode } from '../docker/swarm-client.js';
import type { PortKind } from '../drill/common-ports.js';
import type { Expectation, HostTarget, HttpTarget, InternetTarget, TcpTarget } from '../scenario/scenario.js';
import type { TopologyNetwork } from '../topology/topology.js';
import type { TraefikRoute } from '../traefik/find-routes.js';
import type { BackendNetwork, TraefikProxy } from '../traefik/traefik.js';
import type { OwnPeerPlan } from './own-control-peer.js';

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

/**
 * What every kind of cell has: one (source probe, target) pair and what is asked of it, the unit a judgement is given
 * for. A scenario's cells carry the expectation that asks; a drill's carry none: a drill lists what it finds, and
 * proves a "blocked" as a scenario proves a blocked expectation.
 */
interface CellBase {
  /** Stable within the run: `<file>#<expectation index>/<probe key>/<target label>`, or `<probe key>/<target>`. */
  id: string;
  /** What is asked of the target; undefined for a drill's cell, which is asked whether the path is blocked. */
  expectation: Expectation | undefined;
  /**
   * The target as shown in reports (with the port filled in when the file left it out). A drill's is by names only
   * (`postgres:5432 on internal-backend`, `host:2375 via public-facing`, `dns:postgres`, `internet`): the same from
   * run to run and between two deployments of the same files, so a baseline can key on it.
   */
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

/** A cell a scenario's expectation asks about. */
interface ExpectedCell extends CellBase {
  expectation: Expectation;
}

/** What a drill's cells have besides: no expectation, and what the target belongs to. */
interface ListedCell extends CellBase {
  expectation: undefined;
  /** What the target belongs to, for the matrix: a service (or a container run by hand), `host` or `internet`. */
  endpoint: string;
}

/** A zone or a service (or the host, for an outside host) trying to reach one host: by name and, when it must stay
 * blocked, by every address of the target on every network. */
export interface ReachCell extends ExpectedCell {
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
export interface PublishedCell extends ExpectedCell {
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
export interface LanCell extends ExpectedCell {
  kind: 'lan';
  target: TcpTarget | HttpTarget;
  /** How the target port is published (`127.0.0.1:32768`, `0.0.0.0:8080`); empty when it is not: a direct hit says which. */
  bindings: string[];
}

/** Egress: a probe trying the internet list; reached if any entry answers. A drill's has no expectation. */
export interface EgressCell extends CellBase {
  kind: 'egress';
  /** The scenario's internet target; undefined in a drill, which tries its own list. */
  target: InternetTarget | undefined;
  /** In a drill: `internet`, its matrix column. */
  endpoint?: string;
}

/** A drill's TCP connection to one address and port: a container's address on one of its networks, or the host's. */
export interface PortCell extends ListedCell {
  kind: 'port';
  /** `container`: an address of a container; `host`: the host at the source network's gateway; `published`: a port
   * a container publishes on the host, tried at that gateway. */
  via: 'container' | 'host' | 'published';
  address: string;
  port: number;
  /** The network the address is on, as reports name it. */
  network: string;
  /** What usually listens on the port (for a published port: on the container port behind it). */
  risk: { kind: PortKind; name: string | undefined };
  /** For a published port: the container port behind it and how it is bound on the host. */
  published?: { container: string; port: number; binding: string; allInterfaces: boolean } | undefined;
}

/** A drill's lookup of a service's name through the source's DNS: whether it resolves there. */
export interface NameCell extends ListedCell {
  kind: 'name';
  name: string;
}

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
}

/**
 * A cell, by kind. A new kind of check is a new member here, a planner in plan/ (or drill/) and a judge in judge/: the
 * dispatchers switch on `kind` and end in an exhaustiveness check, so a member without both does not compile. On the
 * plan side that is planCell's switch over what cellKind (cell-kind.ts) chooses for a target, unless the kind is made
 * from a check of its own, as traefik-route is, or only by a drill (port, name); on the judge side, judge.ts's two
 * switches (whether the configuration decides the cell without a probe, and the judge of what the probe saw).
 */
export type Cell = ReachCell | PublishedCell | EgressCell | TraefikRouteCell | LanCell | PortCell | NameCell;

/** The cells a drill makes: no expectation, each with what its target belongs to. */
export type DrillCell = PortCell | NameCell | (EgressCell & { expectation: undefined; endpoint: string });

/** The checks that prove a probe could have seen something, before any "blocked" from it counts. */
export interface Controls {
  /** Resolves a name the DNS server must know (the probe's own, or the joined container's); undefined on the host. */
  dnsCheckId: string | undefined;
  /** Connections to peers on the source networks: open or refused both prove the probe reaches something. */
  reachCheckIds: string[];
  /** The same over IPv6, planned only when a cell tries a target over IPv6. */
  reach6CheckIds: string[];
  /** Who each reach control tries, by check id, when it is a running container of the deployment. */
  peers?: Record<string, { service: string; container: string }>;
  /**
   * For a source with no running peer to reach: a control peer of dockprobe's own on one of its networks (and the
   * checks among `reachCheckIds` and `reach6CheckIds` that try it), or why none can be given.
   */
  ownPeer?: OwnPeerPlan;
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
