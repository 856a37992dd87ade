import {
  checkDeadlineMs,
  type CheckBudget,
  DEFAULT_CONCURRENCY,
  MAX_PROBE_DEADLINE_MS,
  PLAN_VERSION,
  probeDeadlineMs,
  RESOLV_CONF_DNS,
  type Check,
} from '../../probes/agent/protocol.js';
import type { ContainerInfo } from '../docker/container-client.js';
import { DockprobeError, ErrorCodes } from '../errors/dockprobe-error.js';
import { formatDuration } from '../scenario/duration.js';
import {
  findContainer,
  isDefaultBridge,
  namespaceOwnerRef,
  remoteTasks,
  runningContainers,
  taskName,
  type Topology,
  type TopologyNetwork,
} from '../topology/topology.js';
import { CONTROL_PEER_PORT, planOwnControlPeer, type OwnPeerPlan } from './own-control-peer.js';
import type { Controls, Placement, ProbeSpec } from './plan.js';

/**
 * How long a swarm job waits for its node's DNS to learn the network's records before its checks (ProbePlan.settle):
 * a few seconds were seen on the test cluster; beyond this the DNS control fails and the cells are inconclusive.
 */
export const JOB_DNS_SETTLE_MS = 15_000;

/** Docker's embedded DNS server, inside every container on a user-defined network. */
export const EMBEDDED_DNS = '127.0.0.11';

/** Collects one probe's checks, sharing identical ones, and adds its controls. */
export class ProbeBuilder {
  readonly #checks = new Map<string, Check>();
  /** Controls a kind of check plans for its own cells (addControl), run and repeated as the probe's other controls. */
  readonly #kindControls: string[] = [];
  /** Set when a check resolves an outside name: the probe then keeps the engine's upstream DNS. */
  needsUpstreamDns = false;
  /** Set when a cell tries a target over IPv6: the probe then proves it reaches a peer over IPv6 too. */
  needsIpv6Control = false;

  constructor(
    readonly key: string,
    readonly label: string,
    readonly containerName: string,
    readonly placement: Placement,
    readonly networks: TopologyNetwork[],
    readonly topology: Topology,
  ) {}

  /**
   * Whether the probe has an IPv6 address of its own (its network has an IPv6 subnet, or the joined container an
   * IPv6 address). Without one the kernel has no IPv6 route, so IPv6 attempts could only say "unreachable".
   */
  get hasIpv6(): boolean {
    if (this.placement.kind === 'network') return this.placement.network.subnets.some((s) => s.includes(':'));
    if (this.placement.kind === 'job') return this.networks.some((n) => n.subnets.some((s) => s.includes(':')));
    if (this.placement.kind === 'container') return this.placement.container.networks.some((n) => n.ipv6 !== undefined);
    return false;
  }

  /**
   * Whether Docker's embedded DNS serves the probe: not on the default bridge (a network probe there, or a service
   * probe in a container on no other network), nor on the host. Without it, names are not tried and there is no DNS
   * control: a refused query there says nothing about isolation.
   */
  get embeddedDns(): boolean {
    if (this.placement.kind === 'network')
      return !isDefaultBridge(this.placement.network, this.topology.engine.product);
    // A job is on swarm-scoped networks only, each with the embedded DNS.
    if (this.placement.kind === 'job') return true;
    if (this.placement.kind === 'container')
      return this.placement.container.networks.some(
        (n) => !isDefaultBridge({ name: n.networkName }, this.topology.engine.product),
      );
    return false;
  }

  /**
   * Where a name the probe's DNS holds no record of is forwarded, where the engine sends it on; undefined where it
   * stays. Podman's aardvark-dns runs in the engine host's network namespace and forwards such a name, from a network
   * that is not internal (from an internal one it answers NXDOMAIN itself), to the container's own DNS servers: for a
   * network probe the run's upstream (`--dns-upstream`; by default 127.0.0.1, which there is the engine host's own
   * loopback, not the probe's), for a service probe the service's. Docker's embedded DNS forwards a network probe's to
   * 127.0.0.1 in the probe's own namespace, where nothing answers (ISOLATED_DNS_UPSTREAM, run/probe.ts); a service
   * probe's go where the service's own go, which the engine does not say.
   */
  get unknownNamesForwarded(): string | undefined {
    if (this.topology.engine.product !== 'podman' || !this.embeddedDns) return undefined;
    const forwarding =
      this.placement.kind === 'network'
        ? [this.placement.network].filter((n) => !n.internal).map((n) => n.name)
        : this.placement.kind === 'container'
          ? this.placement.container.networks
              .map((n) => this.topology.networks.find((t) => t.id === n.networkId))
              .filter((n) => n !== undefined && !n.internal && !isDefaultBridge(n, 'podman'))
              .map((n) => n!.name)
          : [];
    if (forwarding.length === 0) return undefined;
    const to =
      this.placement.kind === 'network'
        ? "the probe's DNS servers, on the engine's host (by default its 127.0.0.1, --dns-upstream otherwise)"
        : "the container's DNS servers (its own, else the engine host's resolvers)";
    return `Podman's aardvark-dns forwards a name it holds no record of from ${forwarding.join(', ')} (not internal) to ${to}: a resolver there is asked it, and may send it on`;
  }

  /** Adds a check (its id is assigned here) and returns the id of the check that will run. */
  add(check: Check): string {
    const { id: _ignored, ...rest } = check;
    const signature = JSON.stringify(rest);
    const existing = this.#checks.get(signature);
    if (existing) return existing.id;
    const id = `c${this.#checks.size + 1}`;
    this.#checks.set(signature, { ...check, id });
    return id;
  }

  /**
   * Adds a check a kind of check judges its cells' silence by (the udp kind's UDP control): the agent runs it first,
   * again among the checks and after them all, as the probe's own controls. Returns its id.
   */
  addControl(check: Check): string {
    const id = this.add(check);
    if (!this.#kindControls.includes(id)) this.#kindControls.push(id);
    return id;
  }

  /**
   * The probe's spec. `budget`: checks in flight at once, one number for all (`--concurrency`), or a bound per kind
   * of check (CheckBudget: the connect lane beside the others, and this probe's share of the run's lookups).
   */
  build(timeoutMs: number, budget: number | CheckBudget = DEFAULT_CONCURRENCY): ProbeSpec {
    const { concurrency, connectConcurrency, lookupConcurrency } =
      typeof budget === 'number' ? { concurrency: budget } : (budget as CheckBudget);
    let dnsCheckId: string | undefined;
    let reachCheckIds: string[] = [];
    let reach6CheckIds: string[] = [];
    const peers: NonNullable<Controls['peers']> = {};
    let ownPeer: OwnPeerPlan | undefined;
    if (this.placement.kind === 'lan') {
      // The neighbour's only peer is the host's end of its link, where dockprobe listens: reaching it proves the
      // link and the neighbour's own stack work, under the same load as its checks (run first, among and after them).
      reachCheckIds = [
        this.add({
          id: '',
          kind: 'tcp',
          host: this.placement.host,
          port: this.placement.controlPort,
          subnets: [],
          timeoutMs,
        }),
      ];
    } else if (this.placement.kind !== 'host') {
      // The joined container's own name for a service probe; the probe's own name for a network probe. A job resolves
      // a service with a task on another node (the swarm's DNS of its node must have learnt the network's records), or
      // its own name (its service's, which resolves to its task in endpoint mode dnsrr) when there is none.
      const ownName =
        this.placement.kind === 'container' ? this.#namespaceName(this.placement.container) : this.containerName;
      const dnsName =
        this.placement.kind === 'job' ? (this.#remoteServiceName(this.placement.node.id) ?? ownName) : ownName;
      if (this.embeddedDns)
        dnsCheckId = this.add({
          id: '',
          kind: 'dns',
          name: dnsName,
          subnets: this.networks.flatMap((n) => n.subnets),
          timeoutMs,
        });
      const tcp = (host: string, port: number) => this.add({ id: '', kind: 'tcp', host, port, subnets: [], timeoutMs });
      const peerCheck = (peer: { address: string; port: number; service: string; container: string }) => {
        const id = tcp(peer.address, peer.port);
        peers[id] = { service: peer.service, container: peer.container };
        return id;
      };
      const peers4 = this.peers(4);
      const peers6 = this.needsIpv6Control ? this.peers(6) : [];
      reachCheckIds = peers4.map(peerCheck);
      reach6CheckIds = peers6.map(peerCheck);
      // No running peer to reach (over IPv4, or over IPv6 where a cell needs it): dockprobe's own, or why none.
      ownPeer = planOwnControlPeer(
        this,
        { ipv4: peers4.length === 0, ipv6: this.needsIpv6Control && peers6.length === 0 },
        (host) => tcp(host, CONTROL_PEER_PORT),
      );
      if (ownPeer?.kind === 'wanted') {
        if (ownPeer.checkId) reachCheckIds.push(ownPeer.checkId);
        if (ownPeer.checkId6) reach6CheckIds.push(ownPeer.checkId6);
      }
    }
    const checks = [...this.#checks.values()];
    // A job waits for its node's DNS to know the network's records first (ProbePlan.settle).
    const settle =
      this.placement.kind === 'job' && dnsCheckId
        ? { checkIds: [dnsCheckId], timeoutMs: JOB_DNS_SETTLE_MS }
        : undefined;
    const deadlineMs =
      probeDeadlineMs(checks, timeoutMs, budget, undefined, this.#kindControls) + (settle?.timeoutMs ?? 0);
    if (deadlineMs > MAX_PROBE_DEADLINE_MS) {
      const slowest = checks.reduce((max, c) => Math.max(max, checkDeadlineMs(c, timeoutMs)), 0);
      throw new DockprobeError(
        ErrorCodes.USAGE,
        `the probe ${this.label} would be planned to run up to ${formatDuration(deadlineMs)} (${checks.length} checks, ${concurrency} at once, the slowest ${formatDuration(slowest)} with its steps and retries): over the ${formatDuration(MAX_PROBE_DEADLINE_MS)} a probe may run`,
        {
          hint: 'raise --concurrency (or --connect-concurrency, --lookup-concurrency), lower the timeout or --retries, or split the scenario',
        },
      );
    }
    return {
      key: this.key,
      label: this.label,
      containerName: this.containerName,
      placement: this.placement,
      networks: this.networks,
      dnsUpstream: this.needsUpstreamDns ? 'inherit' : 'isolated',
      plan: {
        version: PLAN_VERSION,
        dnsServer: this.#dnsServer(),
        timeoutMs,
        deadlineMs,
        concurrency,
        ...(connectConcurrency !== undefined ? { connectConcurrency } : {}),
        ...(lookupConcurrency !== undefined ? { lookupConcurrency } : {}),
        controls: [
          ...new Set([...(dnsCheckId ? [dnsCheckId] : []), ...reachCheckIds, ...reach6CheckIds, ...this.#kindControls]),
        ],
        ...(settle ? { settle } : {}),
        checks,
      },
      controls: {
        dnsCheckId,
        reachCheckIds,
        reach6CheckIds,
        ...(Object.keys(peers).length > 0 ? { peers } : {}),
        ...(ownPeer ? { ownPeer } : {}),
      },
    };
  }

  /**
   * Where the probe's names go: Docker's embedded DNS; on Podman, aardvark-dns at the gateway of each network, which
   * the engine writes into the container's resolv.conf (a probe on the host resolves nothing of the zones).
   */
  #dnsServer(): string {
    const inContainer = this.placement.kind !== 'host' && this.placement.kind !== 'lan';
    return inContainer && this.topology.engine.product === 'podman' ? RESOLV_CONF_DNS : EMBEDDED_DNS;
  }

  /**
   * The name DNS knows the namespace `container` is in by: its own, or for a container in another's namespace
   * (network_mode: container:, where Podman lists the owner's networks and DNS knows only the owner), the owner's.
   */
  #namespaceName(container: ContainerInfo): string {
    const owner = namespaceOwnerRef(container);
    const found = owner === undefined ? undefined : findContainer(this.topology, owner);
    return found?.container.name ?? container.name;
  }

  // Up to two running containers on the source networks (never the joined container itself): reaching either
  // (open, or refused: the host answered) proves the probe can reach something, so a "blocked" from it counts.
  // IPv6 has its own peers: reaching one over IPv4 says nothing of whether IPv6 works from the probe.
  // The full name of a stack service with a running task on the probe's networks on another node than `nodeId`: a
  // record the node's DNS knows only from the network's gossip.
  #remoteServiceName(nodeId: string): string | undefined {
    const ids = new Set(this.networks.map((n) => n.id));
    for (const service of this.topology.services) {
      const fullName = service.swarm?.fullName;
      if (!fullName || service.swarm?.service?.endpointMode === undefined) continue;
      const elsewhere = service.swarm.tasks.some(
        (t) => t.state === 'running' && t.nodeId !== nodeId && t.networks.some((n) => ids.has(n.networkId)),
      );
      if (elsewhere) return fullName;
    }
    return undefined;
  }

  /**
   * Up to two running peers on the probe's networks, each with a TCP port it exposes (1 when none), every port it
   * exposes in any protocol, and its service and container. A job on another node prefers peers on its own node (the
   * swarm's tasks there): a peer across nodes proves the probe works only if the path between the nodes does, which is
   * what its checks are about.
   */
  peers(family: 4 | 6): { address: string; port: number; exposed: number[]; service: string; container: string }[] {
    const ids = new Set(this.networks.map((n) => n.id));
    const self: ContainerInfo | undefined = this.placement.kind === 'container' ? this.placement.container : undefined;
    const selfTask = this.placement.kind === 'job' ? this.placement.task?.id : undefined;
    // A probe in a namespace that belongs to another container: that container is the probe's own address.
    const selfOwner = self && namespaceOwnerRef(self);
    const ownerId = selfOwner === undefined ? undefined : findContainer(this.topology, selfOwner)?.container.id;
    const here = this.placement.kind === 'job' ? this.placement.node.id : this.topology.swarm?.nodeId;
    const candidates: {
      address: string;
      port: number;
      exposed: number[];
      node: string | undefined;
      service: string;
      container: string;
    }[] = [];
    for (const service of this.topology.services) {
      for (const container of runningContainers(service)) {
        if (container.id === self?.id) continue;
        // A container in another's network namespace (network_mode: service: or container:) has that container's
        // addresses: it is no peer of its own, and in the probe's own namespace it is the probe's own address, which
        // answers without the path being tried. Docker lists no networks for it; Podman lists its owner's.
        if (namespaceOwnerRef(container) !== undefined || container.id === ownerId) continue;
        const address = container.networks
          .filter((n) => ids.has(n.networkId))
          .map((n) => (family === 6 ? n.ipv6 : n.ipv4))
          .find((a) => a !== undefined);
        if (address === undefined) continue;
        candidates.push({
          address,
          port: container.ports.find((p) => p.protocol === 'tcp')?.port ?? 1,
          exposed: container.ports.map((p) => p.port),
          node: this.topology.swarm?.nodeId,
          service: service.name,
          container: container.name,
        });
      }
      // Tasks on other nodes are known by address only (IPv4: the task list carries no other).
      if (family === 6) continue;
      const ports = (service.swarm?.service?.ports ?? []).filter((p) => p.protocol === 'tcp').map((p) => p.targetPort);
      for (const task of remoteTasks(service)) {
        if (task.id === selfTask) continue;
        const address = task.networks
          .filter((n) => ids.has(n.networkId))
          .flatMap((n) => n.addresses)
          .find((a) => !a.includes(':'));
        if (address !== undefined)
          candidates.push({
            address,
            port: ports[0] ?? 1,
            exposed: (service.swarm?.service?.ports ?? []).map((p) => p.targetPort),
            node: task.nodeId,
            service: service.name,
            container: taskName(service, task),
          });
      }
    }
    const sameNode = candidates.filter((c) => c.node === here);
    const others = candidates.filter((c) => c.node !== here);
    return [...sameNode, ...others].slice(0, 2).map(({ node: _node, ...peer }) => peer);
  }
}
