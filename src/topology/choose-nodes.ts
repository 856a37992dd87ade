import type { SwarmNode } from '../docker/swarm-client.js';
import { DockprobeError, ErrorCodes } from '../errors/dockprobe-error.js';
import type { Topology } from './topology.js';

/**
 * The swarm nodes `--nodes` names: `all`, or node hostnames or ids (a unique id prefix too, as `docker node` takes
 * it). Only a manager places probes on nodes; a name that is no node is a usage error naming the nodes there are.
 * A node that is down or drained is kept: its rows say so (node-unavailable), never "blocked".
 */
export function chooseNodes(names: readonly string[], topology: Topology, option = '--nodes'): SwarmNode[] {
  const swarm = topology.swarm;
  const where = `the engine at ${topology.engine.endpoint}`;
  if (!swarm)
    throw new DockprobeError(ErrorCodes.USAGE, `${option}: ${where} is in no swarm`, {
      hint: 'leave --nodes out on a single engine, or point DOCKER_HOST at a swarm manager',
    });
  if (!swarm.manager)
    throw new DockprobeError(
      ErrorCodes.USAGE,
      `${option}: ${where} is a swarm worker; only a manager can place probes on nodes`,
      { hint: 'run dockprobe against a manager (DOCKER_HOST=… of a manager node)' },
    );
  if (names.length === 1 && names[0] === 'all') return [...swarm.nodes];
  const known = swarm.nodes.map((n) => n.hostname).join(', ');
  const chosen: SwarmNode[] = [];
  for (const name of names) {
    const byName = swarm.nodes.filter((n) => n.hostname === name || n.id === name);
    const matches = byName.length > 0 ? byName : swarm.nodes.filter((n) => name.length >= 3 && n.id.startsWith(name));
    if (name === 'all')
      throw new DockprobeError(ErrorCodes.USAGE, `${option}: 'all' stands alone, got '${names.join(',')}'`, {
        hint: '--nodes all, or --nodes node-1,node-2',
      });
    if (matches.length === 0)
      throw new DockprobeError(ErrorCodes.USAGE, `${option}: no node '${name}' in the swarm (nodes: ${known})`, {
        hint: 'name nodes by hostname or id, as docker node ls shows them, or --nodes all',
      });
    if (matches.length > 1)
      throw new DockprobeError(
        ErrorCodes.USAGE,
        `${option}: '${name}' matches ${matches.length} nodes (${matches.map((n) => `${n.hostname} ${n.id}`).join(', ')})`,
        { hint: 'name the node by its full id' },
      );
    if (!chosen.some((n) => n.id === matches[0]!.id)) chosen.push(matches[0]!);
  }
  return chosen;
}
