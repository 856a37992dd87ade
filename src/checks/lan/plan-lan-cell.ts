import type { Check } from '../../../probes/agent/protocol.js';
import type { Expectation, HttpTarget, TcpTarget } from '../../scenario/scenario.js';
import {
  containerStates,
  findService,
  isLocalBridge,
  runningContainers,
  type Topology,
} from '../../topology/topology.js';
import { cellBase } from '../cell-base.js';
import { withHostPort } from '../../plan/checks.js';
import type { LanCell } from './lan-cell.js';
import type { ProbeBuilder } from '../../plan/probe-builder.js';

/**
 * From a LAN neighbour, a service is tried two ways, as a machine beside the host would: at each of its containers'
 * addresses on this host's bridge networks (the neighbour routes the containers' subnets through the host; whether
 * the host forwards it is the engine's rules: engines before 28.0 let a published port through at the container's
 * address whatever its binding, moby/moby#45610), and at the host's own address on each port published on all
 * interfaces. A binding on one address (127.0.0.1 included) is not tried at the host's end: the neighbour reaches the
 * host at its LAN address only, which is the point of binding to another.
 */
export function planLanCell(
  expectation: Expectation,
  target: TcpTarget | HttpTarget,
  probe: ProbeBuilder,
  topology: Topology,
  timeoutMs: number,
): LanCell {
  const cell: LanCell = { kind: 'lan', ...cellBase(expectation, target.label, probe), target, bindings: [] };
  const placement = probe.placement;
  if (placement.kind !== 'lan' || target.host.kind !== 'service')
    throw new Error('planning: a LAN cell needs the LAN placement and a service target');
  const service = findService(topology, target.host.project!, target.host.service)!;
  const running = runningContainers(service);
  if (running.length === 0) {
    cell.precondition = {
      code: 'target-not-running',
      text: `target service '${service.name}' has no running container on this host (${containerStates(service)})`,
    };
    return cell;
  }
  cell.touches.push(...running.map((c) => c.id));
  const port =
    target.kind === 'tcp'
      ? target.port!
      : Number(new URL(target.url).port || (target.url.startsWith('https') ? 443 : 80));
  const check = (host: string, p: number): Check =>
    target.kind === 'tcp'
      ? { id: '', kind: 'tcp', host, port: p, subnets: [], timeoutMs }
      : { id: '', kind: 'http', url: withHostPort(target.url, host, p), subnets: [], timeoutMs };
  const local = new Map(topology.networks.filter(isLocalBridge).map((n) => [n.id, n]));
  for (const container of running) {
    for (const attachment of container.networks) {
      const network = local.get(attachment.networkId);
      if (!network || attachment.ipv4 === undefined) continue;
      const name = network.composeName ?? network.name;
      cell.attempts.push({
        checkId: probe.add(check(attachment.ipv4, port)),
        via: 'address',
        description: `${attachment.ipv4}:${port} (${container.name} on ${name}), routed through the host`,
        family: 4,
      });
    }
    const bound = container.ports.find((p) => p.port === port && p.protocol === 'tcp');
    for (const binding of bound?.published ?? []) {
      const shown = `${binding.hostIp.includes(':') ? `[${binding.hostIp}]` : binding.hostIp || '0.0.0.0'}:${binding.hostPort}`;
      if (!cell.bindings.includes(shown)) cell.bindings.push(shown);
      if (binding.hostIp !== '' && binding.hostIp !== '0.0.0.0') continue;
      cell.attempts.push({
        checkId: probe.add(check(placement.host, binding.hostPort)),
        via: 'published',
        description: `the host's ${placement.host}:${binding.hostPort} (${container.name} port ${port} published on all interfaces)`,
        family: 4,
      });
    }
  }
  if (cell.attempts.length === 0) {
    cell.precondition = {
      code: 'not-routable-from-lan',
      text: `'${service.name}' has no address on a bridge network of this host and publishes port ${port} on no all-interfaces binding: a LAN neighbour has nothing to route to`,
    };
  }
  return cell;
}
