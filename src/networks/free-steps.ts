import type { NetworkInfo } from '../docker/network-client.js';
import type { NetworkHolder } from './networks.js';
import { shellWord } from './shell-word.js';

/**
 * The commands that free a network and remove it, in order: each holder's (prefixed with the node it must run on
 * when that is not this one), then `docker network rm`. A swarm network is removed through a manager.
 */
export function freeSteps(network: NetworkInfo, holders: readonly NetworkHolder[]): string[] {
  const steps = holders.map((h) =>
    h.node === undefined || h.node === 'this node' ? h.command : `on ${h.node}: ${h.command}`,
  );
  return [...new Set([...steps, `docker network rm ${shellWord(network.name)}`])];
}
