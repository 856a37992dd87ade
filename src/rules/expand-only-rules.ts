import type { Expectation, Scenario, SourceRef, TcpTarget } from '../scenario/scenario.js';
import {
  borrowsNetworkNamespace,
  findNetwork,
  findService,
  remoteTasks,
  runningContainers,
  swarmPlumbing,
  type Topology,
  type TopologyNetwork,
  type TopologyService,
} from '../topology/topology.js';

/**
 * The rest of each `only` rule, once the deployment is read: every other running service of the target's project,
 * and every other network of it, does not reach the target. The listed sources' own entries were made when the file
 * was read (scenario/parse-rules.ts); the scenario comes in with its names pinned (topology/resolve-names.ts), so the
 * target's project is known.
 *
 * A service on a listed network is part of that zone: `only: { to: postgres, from: [{ network: internal-backend }] }`
 * allows every service on internal-backend, and rules out the rest. The target itself is left out, and so are
 * services in the host's namespace or another container's (`network_mode: host | container:`): no zone of their own.
 *
 * Each entry is named after its rule (`rule 3 (only api, worker reach redis): frontend does not reach redis`) and sits
 * at the rule's position, so a report or an error about it points at the rule.
 */
export function expandOnlyRules(scenario: Scenario, topology: Topology): Scenario {
  const made: Expectation[] = [];
  let next = scenario.expectations.reduce((last, e) => Math.max(last, e.index), -1) + 1;
  for (const rule of scenario.rules.filter((r) => r.kind === 'only')) {
    const allowed = scenario.expectations.filter((e) => e.rule?.number === rule.number);
    const first = allowed[0];
    const target = first?.to[0];
    if (!first || target?.kind !== 'tcp' || target.host.kind !== 'service' || target.host.project === undefined)
      continue;
    const project = target.host.project;
    for (const from of ruledOut(allowed, target, project, topology)) {
      made.push({
        index: next++,
        name: `rule ${rule.number} (${rule.says}): ${who(from)} does not reach ${target.label}`,
        from,
        to: [target],
        reachable: false,
        timeoutMs: first.timeoutMs,
        retries: first.retries,
        position: rule.position,
        rule,
      });
    }
  }
  return made.length > 0 ? { ...scenario, expectations: [...scenario.expectations, ...made] } : scenario;
}

// Who an `only` rule rules out: the target project's other running services, then its other networks, by name.
function ruledOut(
  allowed: readonly Expectation[],
  target: TcpTarget,
  project: string,
  topology: Topology,
): SourceRef[] {
  const listedNetworks = new Set(
    allowed
      .flatMap((e) => (e.from.kind === 'network' ? [findNetwork(topology, e.from.project, e.from.network)?.id] : []))
      .filter((id): id is string => id !== undefined),
  );
  const listedServices = allowed.flatMap((e) =>
    e.from.kind === 'service' && e.from.project !== undefined
      ? [findService(topology, e.from.project, e.from.service)]
      : [],
  );
  const targetService =
    target.host.kind === 'service' ? findService(topology, project, target.host.service) : undefined;
  const services = topology.services
    .filter(
      (s) =>
        s.project === project && s !== targetService && !listedServices.includes(s) && running(s) && !ownNamespace(s),
    )
    .filter((s) => !networksOf(s).some((id) => listedNetworks.has(id)))
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((s): SourceRef => ({ kind: 'service', service: s.name, project }));
  const networks = topology.networks
    .filter((n) => n.project === project && !listedNetworks.has(n.id) && isZone(n))
    .sort((a, b) => (a.composeName ?? a.name).localeCompare(b.composeName ?? b.name))
    .map((n): SourceRef => ({ kind: 'network', network: n.composeName ?? n.name, project }));
  return [...services, ...networks];
}

function who(from: SourceRef): string {
  return from.kind === 'service' ? from.service : from.kind === 'network' ? `network ${from.network}` : 'host';
}

// Running here, or as a task on another node (a manager probes it there).
function running(service: TopologyService): boolean {
  return runningContainers(service).length > 0 || remoteTasks(service).length > 0;
}

// In the host's network namespace or another container's: a probe there stands in no zone of the project's.
function ownNamespace(service: TopologyService): boolean {
  const containers = runningContainers(service);
  return containers.length > 0 && containers.every(borrowsNetworkNamespace);
}

// The networks a service's containers and tasks are on, by id.
function networksOf(service: TopologyService): string[] {
  return [
    ...service.containers.flatMap((c) => c.networks.map((n) => n.networkId)),
    ...(service.swarm?.tasks ?? []).flatMap((t) => t.networks.map((n) => n.networkId)),
  ];
}

// A network a probe can stand on: not the host's namespace, not "none", not the swarm's own plumbing.
function isZone(network: TopologyNetwork): boolean {
  return network.driver !== 'host' && network.driver !== 'null' && swarmPlumbing(network) === undefined;
}
