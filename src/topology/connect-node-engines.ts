import type { ContainerRuntime, SwarmNode } from '../docker/container-runtime.js';
import type { Topology } from './topology.js';
import { chooseNodes } from './choose-nodes.js';

/** Another swarm node's engine (`--node-engine NODE=ENDPOINT`), checked to be that node. */
export interface NodeEngine {
  node: SwarmNode;
  endpoint: string;
  runtime: ContainerRuntime;
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
  connect: (endpoint: string) => ContainerRuntime,
): Promise<{ engines: NodeEngine[]; refused: { node: string; endpoint: string; reason: string }[] }> {
  const named = Object.entries(given).map(([name, endpoint]) => ({ node: chooseNodes([name], topology, '--node-engine')[0]!, endpoint }));
  const engines: NodeEngine[] = [];
  const refused: { node: string; endpoint: string; reason: string }[] = [];
  await Promise.all(
    named.map(async ({ node, endpoint }) => {
      try {
        const runtime = connect(endpoint);
        const info = await runtime.info();
        if (info.swarmNodeId === node.id) engines.push({ node, endpoint, runtime });
        else refused.push({ node: node.hostname, endpoint, reason: `the engine at ${endpoint} is ${info.swarmNodeId ? `swarm node ${info.swarmNodeId}` : 'in no swarm'}, not ${node.hostname} (${node.id})` });
      } catch (error) {
        refused.push({ node: node.hostname, endpoint, reason: error instanceof Error ? error.message : String(error) });
      }
    }),
  );
  // In the order given, whatever order the engines answered in: logs and reports are stable.
  const order = (hostname: string) => named.findIndex((n) => n.node.hostname === hostname);
  engines.sort((a, b) => order(a.node.hostname) - order(b.node.hostname));
  refused.sort((a, b) => order(a.node) - order(b.node));
  return { engines, refused };
}
