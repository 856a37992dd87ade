import type { SwarmNode } from './swarm-client.js';
import { objectAt, stringAt } from './engine-json.js';

/** A node as the engine's `GET /nodes` answer describes it (API 1.41 and later), reduced to what dockprobe uses. */
export function toSwarmNode(json: unknown): SwarmNode {
  const node = objectAt(json);
  const spec = objectAt(node['Spec']);
  const status = objectAt(node['Status']);
  const manager = objectAt(node['ManagerStatus']);
  // Some engines report a manager's `Status.Addr` as 0.0.0.0; its manager address (`host:2377`) then names the host.
  const statusAddress = stringAt(status['Addr']);
  const managerAddress = stringAt(manager['Addr'])
    ?.replace(/:\d+$/, '')
    .replace(/^\[(.*)\]$/, '$1');
  return {
    id: stringAt(node['ID']) ?? '',
    hostname:
      stringAt(objectAt(node['Description'])['Hostname']) ?? stringAt(spec['Name']) ?? stringAt(node['ID']) ?? '',
    role: stringAt(spec['Role']) === 'manager' ? 'manager' : 'worker',
    availability: stringAt(spec['Availability']) ?? 'unknown',
    state: stringAt(status['State']) ?? 'unknown',
    address: statusAddress && statusAddress !== '0.0.0.0' ? statusAddress : (managerAddress ?? statusAddress),
    leader: manager['Leader'] === true,
  };
}
