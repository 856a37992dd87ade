import type { Engine } from '../docker/engine.js';
import type { NetworkDetail, NetworkInfo } from '../docker/network-client.js';
import { networkOwner } from './network-owner.js';
import type { NetworkFacts } from './networks.js';

/**
 * Reads what `dockprobe networks` judges: every network and container on this node; on a swarm manager, every
 * service, task and node; and the inspect of each network an owner label ties to a project, a stack or a run (verbose
 * on a manager for a swarm-scoped network: its endpoints on other nodes). Every call has the runtime's deadline.
 */
export async function readNetworkFacts(
  runtime: Pick<Engine, 'system' | 'networks' | 'containers' | 'swarm'>,
): Promise<NetworkFacts> {
  const engine = await runtime.system.info();
  const manager = engine.swarm && engine.swarmManager === true;
  const [networks, containers, services, tasks, nodes] = await Promise.all([
    runtime.networks.list(),
    runtime.containers.list({ all: true }),
    manager ? runtime.swarm.listServices() : Promise.resolve([]),
    manager ? runtime.swarm.listTasks() : Promise.resolve([]),
    manager ? runtime.swarm.listNodes() : Promise.resolve([]),
  ]);
  const facts: NetworkFacts = { engine, networks, containers, details: new Map(), services, tasks, nodes, manager };
  await Promise.all(networks.filter((n) => networkOwner(n.labels)).map((n) => inspectInto(runtime, facts, n)));
  return facts;
}

/** Adds a network's inspect to the facts (for a network named on the command line that carries no owner label). */
export async function inspectInto(
  runtime: Pick<Engine, 'networks'>,
  facts: NetworkFacts,
  network: NetworkInfo,
): Promise<NetworkDetail | undefined> {
  const detail =
    facts.manager && network.scope === 'swarm'
      ? await runtime.networks.inspectVerbose(network.id)
      : await inspectPlain(runtime, network.id);
  if (detail) facts.details.set(network.id, detail);
  return detail;
}

// Outside a manager the verbose answer adds nothing: the plain inspect, shaped like a verbose one.
async function inspectPlain(runtime: Pick<Engine, 'networks'>, id: string): Promise<NetworkDetail | undefined> {
  const n = await runtime.networks.inspect(id);
  return n && { ...n, services: [], peers: [] };
}
