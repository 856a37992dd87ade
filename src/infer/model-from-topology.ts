import { borrowsNetworkNamespace, type Topology } from '../topology/topology.js';
import { traefikProxyOfTopology } from '../traefik/infer-traefik-proxy.js';
import type { InferModel, InferService } from './infer-model.js';

/**
 * The model of what runs (`infer --live`): each service's networks and ports as its containers have them, ports
 * published as the configuration asked (Docker drops those of a container only on internal networks, and inference
 * says so), networks by their Compose names.
 */
export function modelFromTopology(topology: Topology, project: string): InferModel {
  const name = (id: string) => {
    const n = topology.networks.find((x) => x.id === id);
    return n?.composeName ?? n?.name ?? id;
  };
  const running = topology.services.filter((s) => s.project === project && s.containers.length > 0);
  const services = running
    .map((s): InferService => {
      const containers = s.containers;
      const networkMode = containers.every(borrowsNetworkNamespace) ? containers[0]!.networkMode : undefined;
      const of = (protocol: 'tcp' | 'udp') => {
        const bound = containers.flatMap((c) => c.ports.filter((p) => p.protocol === protocol));
        const published = [
          ...new Map(
            bound
              .flatMap((p) => p.requested.map((r) => ({ port: p.port, hostIp: r.hostIp })))
              .map((p) => [`${p.port} ${p.hostIp}`, p]),
          ).values(),
        ];
        return { ports: [...new Set(bound.map((p) => p.port))].sort((a, b) => a - b), published };
      };
      const tcp = of('tcp');
      const udp = of('udp');
      return {
        name: s.name,
        networks: [...new Set(containers.flatMap((c) => c.networks.map((n) => name(n.networkId))))].sort(),
        ports: tcp.ports,
        published: tcp.published,
        udpPorts: udp.ports,
        udpPublished: udp.published,
        networkMode,
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
  // The networks this project's containers are on, by id (external ones they join too): another project's network of
  // the same name is not one of them.
  const joined = new Set(running.flatMap((s) => s.containers.flatMap((c) => c.networks.map((n) => n.networkId))));
  const networks = topology.networks
    .filter((n) => joined.has(n.id))
    .map((n) => ({ name: n.composeName ?? n.name, internal: n.internal }))
    .sort((a, b) => a.name.localeCompare(b.name));
  const traefik = traefikProxyOfTopology(topology, project);
  return { project, origin: `the live project ${project}`, services, networks, ...(traefik ? { traefik } : {}) };
}
