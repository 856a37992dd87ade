import { isIP } from 'node:net';
import type { UdpCheck } from '../../../probes/agent/protocol.js';
import type { ContainerInfo } from '../../docker/container-client.js';
import type { ExpectedCell } from '../../checks/cell-base.js';
import { bindsAllInterfaces, hostPort, networkLabel, type Step } from '../../plan/checks.js';
import type { ProbeBuilder } from '../../plan/probe-builder.js';
import type { Expectation, UdpTarget } from '../../scenario/scenario.js';
import {
  containerStates,
  findService,
  remoteTasks,
  runningContainers,
  subnetsOf,
  taskName,
  type Topology,
} from '../../topology/topology.js';
import { timeoutFor } from '../reach/plan-reach-cell.js';
import { cellBase } from '../cell-base.js';
import { referencePorts } from './reference-ports.js';
import { planUdpControl, UDP_TRIES } from './udp-control.js';
import type { UdpCell } from './udp-cell.js';

/** A udp cell with nothing tried yet. */
export function emptyUdpCell(base: Omit<ExpectedCell, 'kind'>, target: UdpTarget): UdpCell {
  return { kind: 'udp', ...base, target, port: target.port, references: [], controls: { 4: [], 6: [] } };
}

/** One datagram to host:port, `tries` in all while silent; retries (further runs) only where reachable is expected. */
export function udpCheck(host: string, port: number, step: Step, subnets: string[] = []): UdpCheck {
  return {
    id: '',
    kind: 'udp',
    host,
    port,
    subnets,
    timeoutMs: step.timeoutMs,
    tries: UDP_TRIES,
    ...(step.retries > 0 ? { retries: step.retries } : {}),
  };
}

/**
 * A network, a service or a job sending UDP to one port of a host. By name (a service's, with the embedded DNS; an
 * outside name), and the address asked at two reference ports the target does not expose: an ICMP port unreachable
 * there proves the address takes UDP from this source, where the port itself may hold a listener that never answers.
 * Where it must stay blocked, also at every address of the target on every network (IPv6 ones where both ends have
 * one), each with its reference ports, and the probe's UDP control over each family tried: Docker isolates by address.
 */
export function planUdpCell(
  expectation: Expectation,
  target: UdpTarget,
  probe: ProbeBuilder,
  topology: Topology,
  step: Step,
): UdpCell {
  const cell = emptyUdpCell(cellBase(expectation, target.label, probe), target);
  const host = target.host;
  const blocked = !expectation.reachable;
  const tryAt = (
    address: string,
    where: string,
    via: 'name' | 'address',
    exposed: readonly number[],
    family: 4 | 6,
  ) => {
    const stepAt = { ...step, timeoutMs: timeoutFor(family, step) };
    cell.attempts.push({
      checkId: probe.add(udpCheck(address, target.port, stepAt)),
      via,
      description: `${hostPort(address, target.port)}/udp (${where})`,
      family,
    });
    for (const port of referencePorts(exposed, target.port)) {
      const checkId = probe.add(udpCheck(address, port, { ...stepAt, retries: 0 }));
      cell.references.push(checkId);
      cell.attempts.push({
        checkId,
        via,
        description: `${hostPort(address, port)}/udp (${where}: a reference port)`,
        family,
      });
    }
    if (blocked && cell.controls[family].length === 0)
      cell.controls[family] = planUdpControl(probe, family, step.timeoutMs);
  };
  if (host.kind === 'external') {
    const family = isIP(host.host) === 6 ? 6 : 4;
    if (isIP(host.host) === 0) {
      probe.needsUpstreamDns = true;
      cell.attempts.push({
        checkId: probe.add(udpCheck(host.host, target.port, step)),
        via: 'name',
        description: `${target.label} by name`,
        family: 4,
      });
      for (const port of referencePorts([], target.port)) {
        const checkId = probe.add(udpCheck(host.host, port, { ...step, retries: 0 }));
        cell.references.push(checkId);
        cell.attempts.push({
          checkId,
          via: 'name',
          description: `${host.host}:${port}/udp (a reference port)`,
          family: 4,
        });
      }
      if (blocked) cell.controls[4] = planUdpControl(probe, 4, step.timeoutMs);
      return cell;
    }
    tryAt(host.host, 'an outside address', 'address', [], family);
    return cell;
  }
  const service = findService(topology, host.project!, host.service);
  const running = service ? runningContainers(service) : [];
  const remote = service ? remoteTasks(service) : [];
  if (!service || (running.length === 0 && remote.length === 0)) {
    cell.precondition = {
      code: 'target-not-running',
      text: `target service '${host.service}' has no running container${service ? ` (${containerStates(service)})` : ''}: nothing to prove against`,
    };
    return cell;
  }
  if (running.length > 0 && running.every((c) => c.networkMode === 'host')) {
    cell.precondition = {
      code: 'target-in-host-network',
      text: `target service '${service.name}' runs in the host's network namespace (network_mode: host): it has no address of its own to ask at reference ports`,
    };
    return cell;
  }
  cell.touches.push(...running.map((c) => c.id), ...remote.map((t) => t.id));
  const exposed = (c: ContainerInfo) => c.ports.map((p) => p.port);
  const allExposed = [
    ...new Set([...running.flatMap(exposed), ...(service.swarm?.service?.ports ?? []).map((p) => p.targetPort)]),
  ];
  const byName = probe.embeddedDns;
  if (byName) {
    // By name, as an application sends: the answer must fall in the target's subnets, or the agent sends nothing.
    const subnets = subnetsOf(topology, running, remote);
    cell.attempts.push({
      checkId: probe.add(udpCheck(host.service, target.port, step, subnets)),
      via: 'name',
      description: `${target.label} by name`,
      family: 4,
    });
    if (probe.unknownNamesForwarded) cell.namesForwarded = probe.unknownNamesForwarded;
    if (!blocked) {
      for (const port of referencePorts(allExposed, target.port)) {
        const checkId = probe.add(udpCheck(host.service, port, { ...step, retries: 0 }, subnets));
        cell.references.push(checkId);
        cell.attempts.push({
          checkId,
          via: 'name',
          description: `${host.service}:${port}/udp by name (a reference port)`,
          family: 4,
        });
      }
      return cell;
    }
  }
  // Every address: where it must stay blocked (Docker isolates by address), and from a source without DNS.
  const ipv6 = blocked && probe.hasIpv6;
  for (const container of running) {
    for (const n of container.networks) {
      const where = `${container.name} on ${networkLabel(topology, n.networkId, n.networkName)}`;
      if (n.ipv4 !== undefined) tryAt(n.ipv4, where, 'address', exposed(container), 4);
      if (ipv6 && n.ipv6 !== undefined) tryAt(n.ipv6, where, 'address', exposed(container), 6);
    }
  }
  for (const task of remote) {
    for (const n of task.networks) {
      const where = `${taskName(service, task)} on node ${task.node?.hostname ?? task.nodeId}, ${networkLabel(topology, n.networkId, n.networkName ?? n.networkId)}`;
      for (const address of n.addresses.filter((a) => isIP(a) === 4)) tryAt(address, where, 'address', allExposed, 4);
    }
  }
  if (blocked && cell.controls[4].length === 0) cell.controls[4] = planUdpControl(probe, 4, step.timeoutMs);
  return cell;
}

/**
 * The host sending UDP to a service's port where the engine published it for UDP: each binding on loopback (all
 * interfaces) or on its address. docker-proxy relays datagrams and swallows the ICMP errors behind them, so from the
 * host only an application's answer says anything; a port not published for UDP is the engine's fact, with nothing
 * to try.
 */
export function planPublishedUdpCell(
  expectation: Expectation,
  target: UdpTarget,
  probe: ProbeBuilder,
  topology: Topology,
  step: Step,
): UdpCell {
  const cell = emptyUdpCell(cellBase(expectation, target.label, probe), target);
  cell.published = { binding: undefined, fact: undefined };
  const host = target.host;
  if (host.kind !== 'service') return cell;
  const service = findService(topology, host.project!, host.service);
  const running = service ? runningContainers(service) : [];
  if (!service || running.length === 0) {
    cell.precondition = {
      code: 'target-not-running',
      text: `target service '${host.service}' has no running container${service ? ` (${containerStates(service)})` : ''}`,
    };
    return cell;
  }
  cell.touches.push(...running.map((c) => c.id));
  const scopes: string[] = [];
  const dropped: string[] = [];
  for (const container of running) {
    const bound = container.ports.find((p) => p.port === target.port && p.protocol === 'udp');
    if (bound && bound.published.length === 0 && bound.requested.length > 0) dropped.push(container.name);
    for (const binding of bound?.published ?? []) {
      const everywhere = bindsAllInterfaces(binding.hostIp);
      const address = everywhere ? (binding.hostIp === '::' ? '::1' : '127.0.0.1') : binding.hostIp;
      const scope = everywhere
        ? `all interfaces (${binding.hostIp === '::' ? '[::]' : '0.0.0.0'}:${binding.hostPort}/udp)`
        : `${hostPort(binding.hostIp, binding.hostPort)}/udp only`;
      if (!scopes.includes(scope)) scopes.push(scope);
      cell.attempts.push({
        checkId: probe.add(udpCheck(address, binding.hostPort, { timeoutMs: step.timeoutMs, retries: 0 })),
        via: 'published',
        description: `${container.name} port ${target.port}/udp published on ${scope}`,
        family: isIP(address) === 6 ? 6 : 4,
      });
    }
  }
  cell.published.binding = scopes.length > 0 ? scopes.join(', ') : undefined;
  if (cell.attempts.length === 0)
    cell.published.fact = dropped.length
      ? `port ${target.port}/udp is configured to be published, but Docker dropped it: ${dropped.join(', ')} ${dropped.length > 1 ? 'are' : 'is'} only on internal networks`
      : `port ${target.port}/udp of '${service.name}' is not published on the host`;
  return cell;
}
