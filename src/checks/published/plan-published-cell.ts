import { isIP } from 'node:net';
import type { Check } from '../../../probes/agent/protocol.js';
import type { Expectation, HttpTarget, TcpTarget } from '../../scenario/scenario.js';
import {
  containerStates,
  findService,
  remoteTasks,
  runningContainers,
  type Topology,
} from '../../topology/topology.js';
import { bindsAllInterfaces, withHostPort } from '../../plan/checks.js';
import type { ProbeBuilder } from '../../plan/probe-builder.js';
import type { PublishedCell } from './published-cell.js';
import { cellBase } from '../cell-base.js';

/**
 * From the host, a service port is reachable only where the engine published it. Each binding is tried on loopback
 * (all-interfaces bindings: the traffic never leaves the host) or on the address it is bound to. A port that is not
 * published, or one Docker dropped because the service is only on internal networks, is a fact of the
 * configuration and says so.
 */
export function planPublishedCell(
  expectation: Expectation,
  target: TcpTarget | HttpTarget,
  probe: ProbeBuilder,
  topology: Topology,
  timeoutMs: number,
): PublishedCell {
  const cell: PublishedCell = {
    kind: 'published',
    ...cellBase(expectation, target.label, probe),
    target,
    binding: undefined,
    allInterfaces: false,
    fact: undefined,
  };
  const host = target.host;
  if (host.kind !== 'service') return cell;
  const service = findService(topology, host.project!, host.service)!;
  const running = runningContainers(service);
  const remote = remoteTasks(service);
  if (running.length === 0 && remote.length === 0) {
    cell.precondition = {
      code: 'target-not-running',
      text: `target service '${service.name}' has no running container (${containerStates(service)})`,
    };
    return cell;
  }
  cell.touches.push(...running.map((c) => c.id), ...remote.map((t) => t.id));
  const port =
    target.kind === 'tcp'
      ? target.port!
      : Number(new URL(target.url).port || (target.url.startsWith('https') ? 443 : 80));
  const scopes: string[] = [];
  const dropped: string[] = [];
  const internalOf = (c: (typeof running)[number]) =>
    c.networks.map((n) => topology.networks.find((x) => x.id === n.networkId)).filter((n) => n?.internal);
  // Bound for containers that are only on internal networks: Docker drops such a binding, Podman keeps it.
  const boundInternal: string[] = [];
  const boundNetworks: string[] = [];
  for (const container of running) {
    const bound = container.ports.find((p) => p.port === port && p.protocol === 'tcp');
    if (bound && bound.published.length === 0 && bound.requested.length > 0) dropped.push(container.name);
    if (bound && bound.published.length > 0 && container.networks.length > 0) {
      const internal = internalOf(container);
      if (internal.length === container.networks.length) {
        boundInternal.push(container.name);
        boundNetworks.push(...internal.map((n) => n!.composeName ?? n!.name));
      }
    }
    for (const binding of bound?.published ?? []) {
      const everywhere = bindsAllInterfaces(binding.hostIp);
      const address = everywhere ? (binding.hostIp === '::' ? '::1' : '127.0.0.1') : binding.hostIp;
      const scope = everywhere
        ? `all interfaces (${binding.hostIp === '::' ? '[::]' : '0.0.0.0'}:${binding.hostPort})`
        : `${binding.hostIp}:${binding.hostPort} only`;
      if (everywhere) cell.allInterfaces = true;
      if (!scopes.includes(scope)) scopes.push(scope);
      const check: Check =
        target.kind === 'tcp'
          ? { id: '', kind: 'tcp', host: address, port: binding.hostPort, subnets: [], timeoutMs }
          : { id: '', kind: 'http', url: withHostPort(target.url, address, binding.hostPort), subnets: [], timeoutMs };
      cell.attempts.push({
        checkId: probe.add(check),
        via: 'published',
        description: `${container.name} port ${port} published on ${scope}`,
        family: isIP(address) === 6 ? 6 : 4,
      });
    }
  }
  // A stack's port published in ingress mode is bound on every node of the swarm by the routing mesh, wherever the
  // tasks run; no task container shows it (host-mode ports do, on the task's own node, as any published port).
  for (const published of service.swarm?.service?.ports ?? []) {
    if (
      published.publishMode !== 'ingress' ||
      published.targetPort !== port ||
      published.protocol !== 'tcp' ||
      published.publishedPort === undefined
    )
      continue;
    const scope = `all interfaces of every swarm node (routing mesh, *:${published.publishedPort})`;
    cell.allInterfaces = true;
    if (!scopes.includes(scope)) scopes.push(scope);
    const check: Check =
      target.kind === 'tcp'
        ? { id: '', kind: 'tcp', host: '127.0.0.1', port: published.publishedPort, subnets: [], timeoutMs }
        : {
            id: '',
            kind: 'http',
            url: withHostPort(target.url, '127.0.0.1', published.publishedPort),
            subnets: [],
            timeoutMs,
          };
    cell.attempts.push({
      checkId: probe.add(check),
      via: 'published',
      description: `${service.swarm!.fullName} port ${port} published on ${scope}`,
      family: 4,
    });
  }
  cell.binding = scopes.length ? scopes.join(', ') : undefined;
  const bindings = running.filter((c) =>
    c.ports.some((p) => p.port === port && p.protocol === 'tcp' && p.published.length > 0),
  );
  if (boundInternal.length > 0 && boundInternal.length === bindings.length && remote.length === 0)
    cell.internalOnly = `${boundInternal.join(', ')} ${boundInternal.length > 1 ? 'are' : 'is'} only on internal networks (${[...new Set(boundNetworks)].join(', ')})`;
  if (cell.attempts.length === 0) {
    const internal = running.flatMap((c) => internalOf(c)).map((n) => n!.composeName ?? n!.name);
    cell.fact = dropped.length
      ? {
          kind: 'dropped by Docker',
          detail: `port ${port} is configured to be published, but Docker dropped it: ${dropped.join(', ')} ${dropped.length > 1 ? 'are' : 'is'} only on internal networks (${[...new Set(internal)].join(', ')})`,
        }
      : { kind: 'not published', detail: `port ${port} of '${service.name}' is not published on the host` };
  }
  return cell;
}
