import type { ContainerInfo, ContainerNetwork } from '../../docker/container-client.js';
import { bindsAllInterfaces, hostPort } from '../../plan/checks.js';
import { timeoutFor } from '../reach/plan-reach-cell.js';
import { portInfo } from './common-ports.js';
import type { PortCell } from './port-cell.js';
import { drillCellBase, type DrillSourcePlan } from '../../drill/drill-source-plan.js';
import type { HostAddress } from '../../drill/source-routes.js';

/** What port cells knock on: a container at its addresses the source routes to, or the host at one of its addresses. */
export type PortTarget =
  | { kind: 'container'; container: ContainerInfo; addresses: ContainerNetwork[] }
  | { kind: 'host'; at: HostAddress };

/** What a port cell is planned from: the cell without what the probe gives it. */
type PortCellOf = Pick<PortCell, 'via' | 'endpoint' | 'address' | 'port' | 'network' | 'risk' | 'published'> & {
  target: string;
  touches: string[];
};

/** The TCP connections to one container's addresses, or to the host at one address. */
export function planPortCells(plan: DrillSourcePlan, target: PortTarget): void {
  if (target.kind === 'container') containerCells(plan, target.container, target.addresses);
  else hostCells(plan, target.at);
}

// Each address on the container's exposed TCP ports and the drill's list.
function containerCells(plan: DrillSourcePlan, container: ContainerInfo, addresses: readonly ContainerNetwork[]): void {
  const { names, world, options, probe, seen } = plan;
  const endpoint = names.endpoint(container);
  seen.containers.add(container.id);
  const ports = [
    ...new Set([...container.ports.filter((p) => p.protocol === 'tcp').map((p) => p.port), ...options.ports]),
  ].sort((a, b) => a - b);
  for (const n of addresses) {
    const network = names.network(
      world.topology.networks.find((x) => x.id === n.networkId),
      n.networkName,
    );
    seen.addresses.add(n.ipv4!);
    for (const p of ports) {
      portCell(
        plan,
        {
          via: 'container',
          target: `${endpoint}:${p} on ${network}`,
          endpoint,
          address: n.ipv4!,
          port: p,
          network,
          risk: portInfo(p),
          touches: [container.id],
        },
        `${hostPort(n.ipv4, p)} (${container.name} on ${network})`,
      );
    }
    // And at its IPv6 address, where both ends have one: before engine 27 Docker wrote no ip6tables rules, so a
    // container isolated over IPv4 could answer over IPv6. Its own rows, under the probe's IPv6 control.
    if (n.ipv6 !== undefined && probe.hasIpv6 && plan.routes.ipv6) {
      probe.needsIpv6Control = true;
      seen.addresses.add(n.ipv6);
      for (const p of ports) {
        portCell(
          plan,
          {
            via: 'container',
            target: `${endpoint}:${p} on ${network} over IPv6`,
            endpoint,
            address: n.ipv6,
            port: p,
            network,
            risk: portInfo(p),
            touches: [container.id],
          },
          `${hostPort(n.ipv6, p)} (${container.name} on ${network})`,
          6,
        );
      }
    }
  }
}

// The host at one address: what containers publish there, and what else listens on all interfaces (a service of the
// host bound to 0.0.0.0 answers containers at their gateway).
function hostCells(plan: DrillSourcePlan, { gateway, network }: HostAddress): void {
  const { names, options, seen, source } = plan;
  seen.gateways.add(gateway);
  const covered = new Set<number>();
  // The source's own published ports are left out: reaching yourself through the host says nothing.
  for (const container of plan.running.filter((c) => c.id !== source.self?.id)) {
    for (const p of container.ports.filter((x) => x.protocol === 'tcp')) {
      for (const hostPortNumber of [...new Set(p.published.map((b) => b.hostPort))]) {
        const bindings = p.published.filter((b) => b.hostPort === hostPortNumber);
        const allInterfaces = bindings.some((b) => bindsAllInterfaces(b.hostIp));
        const binding = allInterfaces
          ? `all interfaces (*:${hostPortNumber})`
          : `${bindings.map((b) => hostPort(b.hostIp, hostPortNumber)).join(', ')} only`;
        const endpoint = names.endpoint(container);
        covered.add(hostPortNumber);
        seen.published.add(`${container.id}/${hostPortNumber}`);
        portCell(
          plan,
          {
            via: 'published',
            target: `${endpoint}:${p.port} published on the host, via ${network}`,
            endpoint: 'host',
            address: gateway,
            port: hostPortNumber,
            network,
            risk: portInfo(p.port),
            published: { container: container.name, port: p.port, binding, allInterfaces },
            touches: [container.id],
          },
          `${hostPort(gateway, hostPortNumber)} (the host on ${network}: ${container.name} port ${p.port} published on ${binding})`,
        );
      }
    }
  }
  if (!options.hostPorts) return;
  for (const p of options.ports.filter((x) => !covered.has(x))) {
    portCell(
      plan,
      {
        via: 'host',
        target: `host:${p} via ${network}`,
        endpoint: 'host',
        address: gateway,
        port: p,
        network,
        risk: portInfo(p),
        touches: [],
      },
      `${hostPort(gateway, p)} (the host, at the gateway of ${network})`,
    );
  }
}

function portCell(plan: DrillSourcePlan, cell: PortCellOf, description: string, family: 4 | 6 = 4): void {
  const { probe, step } = plan;
  const checkId = probe.add({
    id: '',
    kind: 'tcp',
    host: cell.address,
    port: cell.port,
    subnets: [],
    timeoutMs: timeoutFor(family, step),
    ...(step.retries > 0 ? { retries: step.retries } : {}),
  });
  // One object literal with every field named, and the strings every source repeats (a target's label, its
  // description, a check id) and the containers it rests on held once (DrillNames.intern, internList): a drill --all
  // has a cell per source × address × port.
  const { names } = plan;
  const base = drillCellBase(plan, probe, names.intern(cell.target), cell.endpoint, cell.touches);
  const attempts = [
    {
      checkId: names.intern(checkId),
      via: cell.via === 'container' ? ('address' as const) : ('published' as const),
      description: names.intern(description),
      family,
    },
  ];
  const fields = {
    kind: 'port' as const,
    id: base.id,
    expectation: undefined,
    targetLabel: base.targetLabel,
    endpoint: cell.endpoint,
    probeKey: base.probeKey,
    source: base.source,
    attempts,
    touches: names.internList(base.touches),
    precondition: undefined,
    via: cell.via,
    address: cell.address,
    port: cell.port,
    network: cell.network,
    risk: cell.risk,
  };
  plan.cells.push(cell.published ? { ...fields, published: cell.published } : fields);
}
