import type { ContainerInfo } from '../docker/container-client.js';
import type { Engine } from '../docker/engine.js';
import type { EngineInfo } from '../docker/system-client.js';
import type { SwarmService } from '../docker/swarm-client.js';
import { STACK_NAMESPACE, SWARM_SERVICE_NAME, isProbeHelper, labelFilter } from '../docker/labels.js';
import { stackShortName } from './stack-short-name.js';
import type { Topology, TopologyService } from './topology.js';

/** What the engine says about the swarm stacks among the projects a scenario names. */
export interface StackRead {
  /** The names that are stacks: a container, a network or (on a manager) a service carries their stack label. */
  stacks: string[];
  /** Their services, each with this node's containers and (on a manager) its tasks on every node. */
  services: TopologyService[];
  /** Per stack, the networks (ids, or names where a spec kept one) its services, tasks and containers are on. */
  networkUse: Map<string, Set<string>>;
  swarm: NonNullable<Topology['swarm']>;
}

/**
 * Reads the stacks among `projects` from an engine in a swarm. Every engine shows its own task containers (by their
 * stack label); only a manager answers for services, tasks and nodes, so a worker knows the services that run here
 * and nothing of other nodes. `stackNetworks` are the names whose networks carry the stack label.
 */
export async function readStacks(
  runtime: Pick<Engine, 'containers' | 'swarm'>,
  engine: EngineInfo,
  projects: readonly string[],
  stackNetworks: ReadonlySet<string>,
): Promise<StackRead> {
  const manager = engine.swarmManager === true;
  const [containers, allServices, nodes] = await Promise.all([
    Promise.all(projects.map((p) => runtime.containers.list({ all: true, labels: [labelFilter(STACK_NAMESPACE, p)] }))),
    manager ? runtime.swarm.listServices() : Promise.resolve([] as SwarmService[]),
    manager ? runtime.swarm.listNodes() : Promise.resolve([]),
  ]);
  const services = allServices.filter((s) => s.stack !== undefined && projects.includes(s.stack));
  const tasks = services.length > 0 ? await runtime.swarm.listTasks({ services: services.map((s) => s.id) }) : [];
  const read: StackRead = {
    stacks: [],
    services: [],
    networkUse: new Map(),
    swarm: { nodeId: engine.swarmNodeId, manager, nodes },
  };
  for (const [i, stack] of projects.entries()) {
    // A task container carries its service's name; anything else with the stack label (a probe, a container run by
    // hand with the label) is not the deployment.
    const local = (containers[i] ?? []).filter((c) => c.labels[SWARM_SERVICE_NAME] && !isProbeHelper(c.labels));
    const ofStack = services.filter((s) => s.stack === stack);
    if ((containers[i] ?? []).length === 0 && ofStack.length === 0 && !stackNetworks.has(stack)) continue;
    read.stacks.push(stack);
    const names = [
      ...new Set([...ofStack.map((s) => s.name), ...local.map((c) => c.labels[SWARM_SERVICE_NAME]!)]),
    ].sort();
    const use = new Set<string>();
    for (const fullName of names) {
      const service = ofStack.find((s) => s.name === fullName);
      const mine = local
        .filter((c) => c.labels[SWARM_SERVICE_NAME] === fullName)
        .sort((a, b) => a.name.localeCompare(b.name));
      const own = service ? tasks.filter((t) => t.serviceId === service.id) : [];
      read.services.push({
        project: stack,
        name: stackShortName(stack, fullName),
        containers: mine,
        swarm: {
          fullName,
          service,
          tasks: own.map((t) => ({
            ...t,
            node: nodes.find((n) => n.id === t.nodeId),
            local: t.nodeId !== undefined && t.nodeId === engine.swarmNodeId,
          })),
        },
      });
      for (const id of service?.networkIds ?? []) use.add(id);
      for (const t of own) for (const n of t.networks) use.add(n.networkId);
      for (const c of mine) for (const n of networksOf(c)) use.add(n);
    }
    read.networkUse.set(stack, use);
  }
  return read;
}

function networksOf(container: ContainerInfo): string[] {
  return container.networks.map((n) => n.networkId);
}
