import type { Engine } from '../docker/engine.js';
import type { SwarmNode } from '../docker/swarm-client.js';
import type { Topology } from './topology.js';
import { chooseNodes } from './choose-nodes.js';

/** Another swarm node's engine (`--node-engine NODE=ENDPOINT`), checked to be that node. */
export interface NodeEngine {
  node: SwarmNode;
  endpoint: string;
  runtime: Pick<Engine, 'system' | 'events' | 'images' | 'containers'>;
}

/**
 * The engines of other nodes the user gave, each asked which swarm node it is before it is used: an endpoint that
 * names the wrong machine must neither receive the probe image under another node's name nor speak for that node's
 * events (a quiet window on the wrong machine would prove nothing about the node's). Names are checked as `--nodes`
 * checks them (a name that is no node is a usage error, thrown); an engine that does not answer, or is another node,
 * is returned among `refused` with the reason, and the run goes on without it.
 */
export async function connectNodeEngines(
  given: Readonly<Record<string, string>>,
  topology: Topology,
  connect: (endpoint: string) => NodeEngine['runtime'],
): Promise<{ engines: NodeEngine[]; refused: { node: string; endpoint: string; reason: string }[] }> {
  const named = Object.entries(given).map(([name, endpoint]) => ({
    node: chooseNodes([name], topology, '--node-engine')[0]!,
    endpoint,
  }));
  type Refused = { node: string; endpoint: string; reason: string };
  // Each answer in its entry's place: logs and reports follow the order given, whatever order the engines answered in.
  const answers = await Promise.all(
    named.map(async ({ node, endpoint }): Promise<NodeEngine | Refused> => {
      try {
        const runtime = connect(endpoint);
        const info = await runtime.system.info();
        if (info.swarmNodeId === node.id) return { node, endpoint, runtime };
        return {
          node: node.hostname,
          endpoint,
          reason: `the engine at ${endpoint} is ${info.swarmNodeId ? `swarm node ${info.swarmNodeId}` : 'in no swarm'}, not ${node.hostname} (${node.id})`,
        };
      } catch (error) {
        return { node: node.hostname, endpoint, reason: error instanceof Error ? error.message : String(error) };
      }
    }),
  );
  const engines = answers.filter((a): a is NodeEngine => 'runtime' in a);
  const refused = answers.filter((a): a is Refused => 'reason' in a);
  return { engines, refused };
}
