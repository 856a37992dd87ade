import type { ContainerInfo } from '../docker/container-client.js';
import type { Topology } from '../topology/topology.js';
import type { TraefikBackend } from './traefik.js';

/**
 * A Compose container as Traefik's Docker provider sees it: its own labels, its networks by their real names (the
 * keys of its inspect answer, which Traefik's label lookup matches), and every port it exposes.
 */
export function composeBackend(
  container: ContainerInfo,
  service: { project: string; name: string },
  topology: Topology,
): TraefikBackend {
  return {
    project: service.project,
    service: service.name,
    name: container.name,
    labelSource: 'container',
    labels: container.labels,
    networks: container.networks.map((m) => {
      const network = topology.networks.find((n) => n.id === m.networkId);
      return { id: m.networkId, name: m.networkName, composeName: network?.composeName, address: m.ipv4 };
    }),
    exposedPorts: [...new Set(container.ports.map((p) => p.port))],
  };
}
