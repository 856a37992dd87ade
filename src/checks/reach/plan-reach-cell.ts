import { isIP } from 'node:net';
import type { Check } from '../../../probes/agent/protocol.js';
import type { ContainerInfo } from '../../docker/container-client.js';
import type { Expectation, HostTarget, HttpTarget, TcpTarget } from '../../scenario/scenario.js';
import {
  containerStates,
  findService,
  isLocalBridge,
  remoteTasks,
  runningContainers,
  subnetsOf,
  taskName,
  type Topology,
  type TopologyService,
  type TopologyTask,
} from '../../topology/topology.js';
import { bodyOf, hostPort, nameCheck, networkLabel, withHost, type Step } from '../../plan/checks.js';
import type { ProbeBuilder } from '../../plan/probe-builder.js';
import { cellBase } from '../cell-base.js';
import type { ReachCell } from './reach-cell.js';

/**
 * The least time an IPv6 attempt toward a target expected blocked is given. The first packets to a container that
 * started a moment ago wait for IPv6 neighbour discovery, which cannot finish until the target's link-local address
 * leaves its duplicate-address check: measured on engine 20.10, a first connection across two networks right after
 * `compose up` opened after 2.05 s, and every later one in 20 ms. With the scenario's 1 s, such a leak read as
 * blocked. IPv4 (ARP) has no such wait.
 */
export const IPV6_MIN_TIMEOUT_MS = 3_000;

/** The timeout of an attempt of `family`: IPv6 ones get at least {@link IPV6_MIN_TIMEOUT_MS}. */
export function timeoutFor(family: 4 | 6, step: Step): number {
  return family === 6 ? Math.max(step.timeoutMs, IPV6_MIN_TIMEOUT_MS) : step.timeoutMs;
}

/**
 * A source trying one host. By name always; for a target expected blocked, also every address of the target on
 * every network it is on: name isolation is not network isolation. Both families where the target has IPv6 and the
 * source has an IPv6 address of its own: before engine 27 Docker did not isolate IPv6 between networks, so a target
 * blocked over IPv4 could answer over IPv6 (AAAA by name, its IPv6 addresses directly).
 */
export function planReachCell(
  expectation: Expectation,
  target: HostTarget,
  probe: ProbeBuilder,
  topology: Topology,
  step: Step,
): ReachCell {
  const cell: ReachCell = {
    kind: 'reach',
    ...cellBase(expectation, target.label, probe),
    target,
    noEmbeddedDns: undefined,
  };
  const host = target.host;
  const service = host.kind === 'service' ? findService(topology, host.project!, host.service) : undefined;
  const running = service ? runningContainers(service) : [];
  // A stack's service may run on other nodes only: the manager knows those tasks and their addresses, so they are
  // tried by name (the swarm's DNS) and by address as a container here would be.
  const remote = service ? remoteTasks(service) : [];
  if (service && running.length === 0 && remote.length === 0) {
    cell.precondition = {
      code: 'target-not-running',
      text: `target service '${service.name}' has no running container (${containerStates(service)}): nothing to prove against`,
    };
    return cell;
  }
  if (running.length > 0 && running.every((c) => c.networkMode === 'host'))
    return hostNetworkCell(cell, probe, running, service!, target, step);
  cell.touches.push(...running.map((c) => c.id), ...remote.map((t) => t.id));
  if (target.kind === 'http' && target.bytes !== undefined) cell.path = overlayPath(probe, running, remote, topology);
  if (host.kind === 'external' && !isIP(host.host)) probe.needsUpstreamDns = true;
  // Answers outside these subnets were forwarded upstream: not "resolved on this network".
  const subnets = service ? subnetsOf(topology, running, remote) : [];
  const hostName = host.kind === 'service' ? host.service : host.host;
  const from = probe.placement.kind === 'host' ? 'from the host' : 'by name';
  if (probe.placement.kind !== 'host' && !probe.embeddedDns && host.kind === 'service') {
    cell.noEmbeddedDns = `${probe.label} has no embedded DNS (Docker's default bridge): the deployment's names do not resolve there`;
    if (target.kind !== 'dns') addressAttempts(cell, probe, running, remote, service, target, topology, step, false);
    return cell;
  }
  cell.attempts.push({
    checkId: probe.add(nameCheck(target, hostName, subnets, step)),
    via: 'name',
    description: `${target.label} ${from}`,
    family: 4,
  });
  // A zone's name that does not resolve here is asked of resolvers upstream too, where the source's DNS forwards it.
  if (host.kind === 'service' && probe.placement.kind !== 'host') cell.namesForwarded = probe.unknownNamesForwarded;
  // A swarm service's name gives its virtual IP, which the kernel's IPVS balances over the tasks. `tasks.<service>`
  // gives the tasks themselves: a VIP silent while the tasks answer is broken load balancing, not isolation.
  const swarm = service?.swarm;
  if (swarm?.service?.endpointMode === 'vip' && target.kind !== 'dns' && probe.placement.kind !== 'host') {
    const tasksName = `tasks.${swarm.fullName}`;
    const check = nameCheck(
      target.kind === 'http' ? { ...target, url: withHost(target.url, tasksName) } : target,
      tasksName,
      subnets,
      step,
    );
    cell.attempts.push({
      checkId: probe.add(check),
      via: 'tasks',
      description: `${tasksName}${target.kind === 'tcp' ? `:${target.port}` : ''} by name (the task addresses, not the VIP)`,
      family: 4,
    });
  }
  // Only a blocked expectation tries IPv6: a reachable one is proven by the first answer, as an application takes it.
  const ipv6 =
    !expectation.reachable && probe.hasIpv6 && running.some((c) => c.networks.some((n) => n.ipv6 !== undefined));
  if (ipv6) {
    probe.needsIpv6Control = true;
    const step6 = { ...step, timeoutMs: timeoutFor(6, step) };
    cell.attempts.push({
      checkId: probe.add({ ...nameCheck(target, hostName, subnets, step6), family: 6 }),
      via: 'name',
      description: `${target.label} ${from} (AAAA)`,
      family: 6,
    });
  }

  if (!expectation.reachable && target.kind !== 'dns')
    addressAttempts(cell, probe, running, remote, service, target, topology, step, ipv6);
  return cell;
}

// Every address of the target on every network it is on (IPv6 ones too when `ipv6`): name isolation is not network
// isolation, and a source without DNS has nothing else to try.
function addressAttempts(
  cell: ReachCell,
  probe: ProbeBuilder,
  running: readonly ContainerInfo[],
  remote: readonly TopologyTask[],
  service: TopologyService | undefined,
  target: TcpTarget | HttpTarget,
  topology: Topology,
  step: Step,
  ipv6: boolean,
): void {
  const tryAt = (address: string, family: 4 | 6, where: string, retries: number) => {
    const timeoutMs = timeoutFor(family, step);
    const retry = retries > 0 ? { retries } : {};
    const check: Check =
      target.kind === 'tcp'
        ? { id: '', kind: 'tcp', host: address, port: target.port!, subnets: [], timeoutMs, ...retry }
        : {
            id: '',
            kind: 'http',
            url: withHost(target.url, address),
            subnets: [],
            timeoutMs,
            ...retry,
            ...bodyOf(target),
          };
    const shown = target.kind === 'tcp' ? hostPort(address, target.port) : withHost(target.url, address);
    cell.attempts.push({ checkId: probe.add(check), via: 'address', description: `${shown} (${where})`, family });
  };
  for (const container of running) {
    for (const n of container.networks) {
      const where = `${container.name} on ${networkLabel(topology, n.networkId, n.networkName)}`;
      if (n.ipv4 !== undefined) tryAt(n.ipv4, 4, where, step.retries);
      if (ipv6 && n.ipv6 !== undefined) tryAt(n.ipv6, 6, where, step.retries);
    }
  }
  // IPv4 only for now: an IPv6 attempt needs the probe's IPv6 control toward a peer, and remote peers are not yet
  // among a probe's peers. Tried once each, as they always were.
  for (const task of remote) {
    for (const n of task.networks) {
      const where = `${taskName(service!, task)} on node ${task.node?.hostname ?? task.nodeId}, ${networkLabel(topology, n.networkId, n.networkName ?? n.networkId)}`;
      for (const address of n.addresses.filter((a) => isIP(a) === 4)) tryAt(address, 4, where, 0);
    }
  }
}

/**
 * The overlays a large answer crosses from the probe to the target, with their MTU option, and the nodes at each end:
 * what a stalled answer is blamed on (judge: mtu-black-hole). Undefined when no overlay is shared.
 */
function overlayPath(
  probe: ProbeBuilder,
  running: readonly ContainerInfo[],
  remote: readonly TopologyTask[],
  topology: Topology,
): ReachCell['path'] {
  const targetNetworks = new Set([
    ...running.flatMap((c) => c.networks.map((n) => n.networkId)),
    ...remote.flatMap((t) => t.networks.map((n) => n.networkId)),
  ]);
  const overlays = probe.networks
    .filter((n) => n.driver === 'overlay' && targetNetworks.has(n.id))
    .map((n) => ({ name: n.composeName ?? n.name, mtu: n.mtu }));
  if (overlays.length === 0) return undefined;
  const hostnameOf = (id: string | undefined) =>
    topology.swarm?.nodes.find((n) => n.id === id)?.hostname ?? id ?? 'this node';
  const from = probe.placement.kind === 'job' ? probe.placement.node.hostname : hostnameOf(topology.swarm?.nodeId);
  const to = [
    ...new Set([
      ...(running.length > 0 ? [hostnameOf(topology.swarm?.nodeId)] : []),
      ...remote.map((t) => t.node?.hostname ?? hostnameOf(t.nodeId)),
    ]),
  ];
  return { overlays, from, to };
}

/**
 * A target in the host's network namespace (network_mode: host) listens on the host's own addresses, which every
 * bridge network reaches through its gateway unless the host's firewall says otherwise: it is tried there, on each of
 * the source's bridges (from the host itself, on loopback). It has no name on any network, so a `dns:` target, and a
 * source with no bridge (an overlay's gateway is not the host), stay undecided: never "blocked".
 */
function hostNetworkCell(
  cell: ReachCell,
  probe: ProbeBuilder,
  running: readonly ContainerInfo[],
  service: TopologyService,
  target: HostTarget,
  step: Step,
): ReachCell {
  const undecided = (why: string): ReachCell => {
    cell.precondition = {
      code: 'target-in-host-network',
      text: `target service '${service.name}' runs in the host's network namespace (network_mode: host): ${why}`,
    };
    return cell;
  };
  if (target.kind === 'dns')
    return undecided('it has no name on any network, so a name lookup says nothing of whether it is reachable');
  const gateways =
    probe.placement.kind === 'host'
      ? [{ address: '127.0.0.1', where: "the host's loopback" }]
      : probe.placement.kind === 'lan'
        ? []
        : probe.networks
            .filter((n) => isLocalBridge(n) && n.gateway !== undefined)
            .map((n) => ({ address: n.gateway!, where: `the host at the gateway of ${n.composeName ?? n.name}` }));
  if (gateways.length === 0)
    return undecided(
      `${probe.label} is on no bridge network whose gateway is the host, so there is no host address to try from it`,
    );
  cell.hostNetwork = true;
  cell.touches.push(...running.map((c) => c.id));
  for (const { address, where } of gateways) {
    const check: Check =
      target.kind === 'tcp'
        ? {
            id: '',
            kind: 'tcp',
            host: address,
            port: target.port!,
            subnets: [],
            timeoutMs: step.timeoutMs,
            ...(step.retries > 0 ? { retries: step.retries } : {}),
          }
        : {
            id: '',
            kind: 'http',
            url: withHost(target.url, address),
            subnets: [],
            timeoutMs: step.timeoutMs,
            ...(step.retries > 0 ? { retries: step.retries } : {}),
            ...bodyOf(target),
          };
    const shown = target.kind === 'tcp' ? hostPort(address, target.port) : withHost(target.url, address);
    cell.attempts.push({
      checkId: probe.add(check),
      via: 'address',
      description: `${shown} (${where}: ${service.name} runs in the host's network namespace)`,
      family: 4,
    });
  }
  return cell;
}
