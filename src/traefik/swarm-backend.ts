import type { ContainerInfo } from '../docker/container-client.js';
import { SWARM_TASK_ID } from '../docker/labels.js';
import {
  swarmPlumbing,
  taskName,
  type Topology,
  type TopologyService,
  type TopologyTask,
} from '../topology/topology.js';
import type { TraefikBackend } from './traefik.js';

/** One task of a Swarm service as Traefik's Swarm provider routes to it, and the container that stands for it. */
export interface SwarmRoute {
  backend: TraefikBackend;
  /** The task's container on this node, or the task itself (its id, name and addresses) when it runs on another. */
  container: ContainerInfo;
}

/**
 * A stack's service as Traefik's Swarm providers see it, one backend per running task: the service's `deploy.labels`,
 * its networks by their real names (the swarm's routing mesh left out), and no exposed port (the swarm tells Traefik
 * none: a route needs its load-balancer port label). Each task's address on each network is where Traefik sends,
 * unless the service asks for the swarm's own load balancing (`lbswarm`), where it sends to the virtual IP.
 */
export function swarmRoutes(service: TopologyService, topology: Topology): SwarmRoute[] {
  const spec = service.swarm?.service;
  if (!spec) return [];
  const lbswarm = Object.entries(spec.labels).some(
    ([k, v]) => /^traefik\.(docker|swarm)\.lbswarm$/i.test(k) && v.trim().toLowerCase() === 'true',
  );
  const networks = spec.networkIds
    .map((id) => topology.networks.find((n) => n.id === id))
    .filter((n) => n !== undefined && !swarmPlumbing(n));
  return (service.swarm?.tasks ?? [])
    .filter((t) => t.desiredState === 'running')
    .map((task) => {
      const container =
        service.containers.find((c) => c.labels[SWARM_TASK_ID] === task.id) ?? taskAsContainer(service, task);
      const backend: TraefikBackend = {
        project: service.project,
        service: service.name,
        name: taskName(service, task),
        labelSource: 'swarm-service',
        labels: spec.labels,
        networks: networks.map((n) => ({
          id: n!.id,
          name: n!.name,
          composeName: n!.composeName,
          address: lbswarm
            ? spec.virtualIps.find((v) => v.networkId === n!.id)?.address
            : task.networks.find((a) => a.networkId === n!.id)?.addresses.find((a) => !a.includes(':')),
        })),
        exposedPorts: [],
      };
      return { backend, container };
    });
}

// A task on another node, in the shape of a container: its id is the task's (world changes of remote tasks are kept by
// task id), running while the swarm says so.
function taskAsContainer(service: TopologyService, task: TopologyTask): ContainerInfo {
  return {
    id: task.id,
    name: taskName(service, task),
    image: service.swarm?.service?.image ?? '',
    imageId: '',
    state: task.state,
    running: task.state === 'running',
    restartCount: 0,
    startedAt: '',
    labels: {},
    networks: task.networks.map((n) => ({
      networkId: n.networkId,
      networkName: n.networkName ?? n.networkId,
      ipv4: n.addresses.find((a) => !a.includes(':')),
      aliases: [],
    })),
    ports: [],
    networkMode: '',
    command: [],
  };
}
