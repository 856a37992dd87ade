import type Docker from 'dockerode';
import type { NetworkDetail } from './network-client.js';
import { listAt, objectAt, stringAt, withoutPrefix } from './engine-json.js';
import { toNetworkInfo } from './to-network-info.js';

/**
 * A network as the engine's inspect answer describes it, verbose or not: its containers on this node and, from a
 * manager's verbose inspect of a swarm-scoped network, its services with their endpoints on every node and its peers.
 */
export function toNetworkDetail(json: unknown): NetworkDetail {
  const n = objectAt(json);
  const containers = Object.entries(objectAt(n['Containers'])).map(([id, c]) => ({
    id,
    name: stringAt(objectAt(c)['Name']) ?? id,
  }));
  const services = Object.entries(objectAt(n['Services'])).map(([name, s]) => {
    const service = objectAt(s);
    return {
      name,
      vip: stringAt(service['VIP']) ? withoutPrefix(stringAt(service['VIP'])!) : undefined,
      tasks: listAt(service['Tasks']).map((t) => {
        const task = objectAt(t);
        const endpointIp = stringAt(task['EndpointIP']);
        return {
          name: stringAt(task['Name']) ?? '',
          endpointIp: endpointIp && withoutPrefix(endpointIp),
          hostIp: stringAt(objectAt(task['Info'])['Host IP']),
        };
      }),
    };
  });
  const peers = listAt(n['Peers']).flatMap((p) => {
    const peer = objectAt(p);
    const address = stringAt(peer['IP']);
    return address ? [{ name: stringAt(peer['Name']) ?? address, address }] : [];
  });
  return { ...toNetworkInfo(json as Docker.NetworkInspectInfo), containers, services, peers };
}
