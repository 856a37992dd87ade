import type { ContainerInfo } from '../docker/container-client.js';
import type { NetworkInfo } from '../docker/network-client.js';
import type { SwarmNode, SwarmTask } from '../docker/swarm-client.js';
import { COMPOSE_PROJECT, LABEL_RUN, STACK_NAMESPACE } from '../docker/labels.js';
import { short } from '../docker/short-id.js';
import type { NetworkFacts, NetworkHolder, NetworkOwner } from './networks.js';
import { shellWord } from './shell-word.js';

/** Task states after which a task holds nothing. */
const ENDED = new Set(['complete', 'shutdown', 'failed', 'rejected', 'orphaned', 'remove']);

/**
 * Everything that holds a network, on this node and (from a manager) on every node: containers attached here, running
 * or stopped; services whose spec attaches to it; tasks not yet ended; endpoints elsewhere that only the manager's
 * verbose inspect shows. Each comes with the command that frees the network of it. A container that belongs to one of
 * the network's own (gone) owners is removed (`docker rm`); anyone else's is only disconnected, and keeps running.
 */
export function networkHolders(
  network: NetworkInfo,
  facts: NetworkFacts,
  owners: readonly NetworkOwner[],
): NetworkHolder[] {
  const holders: NetworkHolder[] = [];
  const net = shellWord(network.name);
  const here = 'this node';
  const attached = facts.containers.filter((c) => c.networks.some((n) => n.networkId === network.id));
  for (const c of attached) {
    const own = owners.some((owner) => ownedBy(c, owner));
    const name = shellWord(c.name);
    if (c.running || c.state === 'restarting' || c.state === 'paused') {
      holders.push({
        kind: 'running-container',
        name: c.name,
        id: c.id,
        node: here,
        blocks: true,
        detail: `container ${c.name} (${short(c.id)}) is ${c.state} with an endpoint on it`,
        command: own ? `docker rm -f ${name}` : `docker network disconnect -f ${net} ${name}`,
      });
    } else {
      holders.push({
        kind: 'stopped-container',
        name: c.name,
        id: c.id,
        node: here,
        blocks: false,
        detail: `container ${c.name} (${short(c.id)}) is ${c.state} and still names it: the removal succeeds, and it fails on its next start (network not found)`,
        command: own ? `docker rm ${name}` : `docker network disconnect ${net} ${name}`,
      });
    }
  }
  const detail = facts.details.get(network.id);
  // Endpoints the inspect lists that no container here explains: a race, or a container the listing missed. The
  // swarm's own load balancer (`lb-<network>`) and the routing mesh's sandbox go with the network: not holders.
  for (const e of detail?.containers ?? []) {
    if (attached.some((c) => c.id === e.id) || /^lb-|^ingress-sbox$/.test(e.id)) continue;
    holders.push({
      kind: 'running-container',
      name: e.name,
      id: e.id,
      node: here,
      blocks: true,
      detail: `endpoint ${e.name} (${short(e.id)}) is attached to it`,
      command: `docker network disconnect -f ${net} ${shellWord(e.name)}`,
    });
  }
  if (!facts.manager) return holders;

  const nodeOf = (id: string | undefined) => facts.nodes.find((n) => n.id === id);
  const services = facts.services.filter(
    (s) => s.networkIds.includes(network.id) || s.networkIds.includes(network.name),
  );
  for (const s of services) {
    holders.push({
      kind: 'swarm-service',
      name: s.name,
      id: s.id,
      node: undefined,
      blocks: true,
      detail: `service ${s.name} attaches its tasks to it`,
      command: `docker service update --network-rm ${net} ${shellWord(s.name)}`,
    });
  }
  // Tasks of services still there are the services' business; a task whose service is gone (or that is being shut
  // down) is still ending, on whatever node it is on.
  const tasks = facts.tasks.filter(
    (t) =>
      t.networks.some((n) => n.networkId === network.id) &&
      !ENDED.has(t.state) &&
      !(t.desiredState === 'running' && services.some((s) => s.id === t.serviceId)),
  );
  const local = new Set(attached.map((c) => c.id));
  for (const t of tasks) {
    if (t.containerId && local.has(t.containerId)) continue;
    const name = taskContainerName(t, facts);
    holders.push({
      kind: 'task-ending',
      name,
      id: t.id,
      node: nodeName(nodeOf(t.nodeId), t.nodeId, facts),
      blocks: true,
      detail: `task ${name} is ${t.state} (desired ${t.desiredState}): it has not ended yet; it ends by itself unless it is stuck`,
      // The container is what `docker rm` takes: by name while its service is known, else by its id.
      command: `docker rm -f ${shellWord(name !== t.id ? name : t.containerId ? short(t.containerId) : t.id)}`,
    });
  }
  // What only the verbose inspect shows: endpoints on other nodes that no task above or container here explains.
  const thisAddress = nodeOf(facts.engine.swarmNodeId)?.address;
  for (const entry of detail?.services ?? []) {
    if (services.some((s) => s.name === entry.name)) continue;
    for (const e of entry.tasks) {
      const taskId = e.name.split('.').pop() ?? '';
      if (
        facts.tasks.some((t) => t.id === taskId && (tasks.includes(t) || ENDED.has(t.state))) ||
        attached.some((c) => c.name === e.name)
      )
        continue;
      if (e.hostIp !== undefined && e.hostIp === thisAddress) continue;
      const node = facts.nodes.find((n) => n.address === e.hostIp);
      holders.push({
        kind: 'remote-endpoint',
        name: e.name,
        id: undefined,
        node: node ? `${node.hostname} (${e.hostIp})` : (e.hostIp ?? 'another node'),
        blocks: true,
        detail: `endpoint ${e.name}${e.endpointIp ? ` (${e.endpointIp})` : ''}${entry.name ? ` of service ${entry.name}` : ''} is on it on another node`,
        // A task's container goes with it; a container attached by hand is only disconnected.
        command: entry.name
          ? `docker rm -f ${shellWord(e.name)}`
          : `docker network disconnect -f ${net} ${shellWord(e.name)}`,
      });
    }
  }
  return holders;
}

/** A holder as people read it: where it is (when not here), then what it is. */
export function describeHolder(h: NetworkHolder): string {
  return `${h.node && h.node !== 'this node' ? `on ${h.node}: ` : ''}${h.detail}`;
}

/** Whether a container belongs to the network's own owner (then removing it is what the owner's removal left undone). */
function ownedBy(c: ContainerInfo, owner: NetworkOwner): boolean {
  const label =
    owner.kind === 'dockprobe-run' ? LABEL_RUN : owner.kind === 'compose-project' ? COMPOSE_PROJECT : STACK_NAMESPACE;
  return c.labels[label] === owner.name;
}

// Docker names a task's container `<service>.<slot>.<task id>` (`<service>.<node id>.<task id>` when global); the
// service may be gone, and with it its name: then the task id alone.
function taskContainerName(t: SwarmTask, facts: NetworkFacts): string {
  const service = facts.services.find((s) => s.id === t.serviceId);
  return service ? `${service.name}.${t.slot ?? t.nodeId ?? ''}.${t.id}` : t.id;
}

function nodeName(node: SwarmNode | undefined, id: string | undefined, facts: NetworkFacts): string {
  if (id !== undefined && id === facts.engine.swarmNodeId) return 'this node';
  if (!node) return id ? `node ${id}` : 'no node yet';
  return node.address ? `${node.hostname} (${node.address})` : node.hostname;
}
