import type { ContainerInfo, ContainerNetwork } from '../../docker/container-client.js';
import { drillCellBase, type DrillSourcePlan } from '../../drill/drill-source-plan.js';
import { hostPort } from '../../plan/checks.js';
import { referencePorts } from './reference-ports.js';
import { udpCheck } from './plan-udp-cell.js';
import { planUdpControl } from './udp-control.js';

/** What a drill's udp cells are sent to: a container at the addresses the source routes to. */
export interface UdpDrillTarget {
  container: ContainerInfo;
  addresses: ContainerNetwork[];
}

/**
 * A drill's `--udp-ports` at each IPv4 address of a container, one row per address and port, each asked whether it
 * is blocked: the address's two reference ports (shared by its rows) and the probe's UDP control, as a scenario's
 * blocked udp target.
 */
export function planDrillUdpCells(plan: DrillSourcePlan, { container, addresses }: UdpDrillTarget): void {
  const { names, world, options, probe, step } = plan;
  const udpPorts = options.udpPorts ?? [];
  // A LAN neighbour has no peer to prove its UDP control against: every row would be inconclusive.
  if (udpPorts.length === 0 || plan.source.placement.kind === 'lan') return;
  const endpoint = names.endpoint(container);
  const exposed = container.ports.map((p) => p.port);
  const controls = { 4: planUdpControl(probe, 4, step.timeoutMs), 6: [] };
  for (const n of addresses) {
    if (n.ipv4 === undefined) continue;
    const address = n.ipv4;
    const network = names.network(
      world.topology.networks.find((x) => x.id === n.networkId),
      n.networkName,
    );
    plan.seen.addresses.add(address);
    for (const port of udpPorts) {
      const where = `${container.name} on ${network}`;
      const refs = referencePorts(exposed, port).map((p) => ({
        checkId: probe.add(udpCheck(address, p, { timeoutMs: step.timeoutMs, retries: 0 })),
        via: 'address' as const,
        description: `${hostPort(address, p)}/udp (${where}: a reference port)`,
        family: 4 as const,
      }));
      const target = `${endpoint}:${port}/udp on ${network}`;
      plan.cells.push({
        kind: 'udp',
        ...drillCellBase(plan, probe, target, endpoint, [container.id]),
        target: undefined,
        port,
        address,
        network,
        references: refs.map((r) => r.checkId),
        controls,
        attempts: [
          {
            checkId: probe.add(udpCheck(address, port, step)),
            via: 'address',
            description: `${hostPort(address, port)}/udp (${where})`,
            family: 4,
          },
          ...refs,
        ],
      });
    }
  }
}
