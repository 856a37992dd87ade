import { DEFAULT_CONCURRENCY, PLAN_VERSION, probeDeadlineMs, type Check } from '../../probes/agent/protocol.js';
import type { ContainerInfo } from '../docker/container-runtime.js';
import { isDefaultBridge, runningContainers, type Topology, type TopologyNetwork } from '../topology/topology.js';
import type { Placement, ProbeSpec } from './plan.js';

/** Docker's embedded DNS server, inside every container on a user-defined network. */
export const EMBEDDED_DNS = '127.0.0.11';

/** Collects one probe's checks, sharing identical ones, and adds its controls. */
export class ProbeBuilder {
  readonly #checks = new Map<string, Check>();
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
    if (this.placement.kind === 'container') return this.placement.container.networks.some((n) => n.ipv6 !== undefined);
    return false;
  }

  /**
   * Whether Docker's embedded DNS serves the probe: not on the default bridge (a network probe there, or a service
   * probe in a container on no other network), nor on the host. Without it, names are not tried and there is no DNS
   * control: a refused query there says nothing about isolation.
   */
  get embeddedDns(): boolean {
    if (this.placement.kind === 'network') return !isDefaultBridge(this.placement.network);
    if (this.placement.kind === 'container') return this.placement.container.networks.some((n) => !isDefaultBridge({ name: n.networkName }));
    return false;
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

  build(timeoutMs: number, concurrency = DEFAULT_CONCURRENCY): ProbeSpec {
    let dnsCheckId: string | undefined;
    let reachCheckIds: string[] = [];
    let reach6CheckIds: string[] = [];
    if (this.placement.kind !== 'host') {
      // The joined container's own name for a service probe; the probe's own name for a network probe.
      const ownName = this.placement.kind === 'container' ? this.placement.container.name : this.containerName;
      if (this.embeddedDns) dnsCheckId = this.add({ id: '', kind: 'dns', name: ownName, subnets: this.networks.flatMap((n) => n.subnets), timeoutMs });
      reachCheckIds = this.#peers(4).map((peer) => this.add({ id: '', kind: 'tcp', host: peer.address, port: peer.port, subnets: [], timeoutMs }));
      if (this.needsIpv6Control) {
        reach6CheckIds = this.#peers(6).map((peer) => this.add({ id: '', kind: 'tcp', host: peer.address, port: peer.port, subnets: [], timeoutMs }));
      }
    }
    const checks = [...this.#checks.values()];
    return {
      key: this.key,
      label: this.label,
      containerName: this.containerName,
      placement: this.placement,
      networks: this.networks,
      dnsUpstream: this.needsUpstreamDns ? 'inherit' : 'isolated',
      plan: {
        version: PLAN_VERSION,
        dnsServer: EMBEDDED_DNS,
        timeoutMs,
        deadlineMs: probeDeadlineMs(checks, timeoutMs, concurrency),
        concurrency,
        controls: [...(dnsCheckId ? [dnsCheckId] : []), ...reachCheckIds, ...reach6CheckIds],
        checks,
      },
      controls: { dnsCheckId, reachCheckIds, reach6CheckIds },
    };
  }

  // Up to two running containers on the source networks (never the joined container itself): reaching either
  // (open, or refused: the host answered) proves the probe can reach something, so a "blocked" from it counts.
  // IPv6 has its own peers: reaching one over IPv4 says nothing of whether IPv6 works from the probe.
  #peers(family: 4 | 6): { address: string; port: number }[] {
    const ids = new Set(this.networks.map((n) => n.id));
    const self: ContainerInfo | undefined = this.placement.kind === 'container' ? this.placement.container : undefined;
    const peers: { address: string; port: number }[] = [];
    for (const service of this.topology.services) {
      for (const container of runningContainers(service)) {
        if (container.id === self?.id || peers.length >= 2) continue;
        const address = container.networks.filter((n) => ids.has(n.networkId)).map((n) => (family === 6 ? n.ipv6 : n.ipv4)).find((a) => a !== undefined);
        if (address === undefined) continue;
        peers.push({ address, port: container.ports.find((p) => p.protocol === 'tcp')?.port ?? 1 });
      }
    }
    return peers;
  }
}
