import { freeSteps } from './free-steps.js';
import { networkHolders } from './network-holders.js';
import { networkOwner } from './network-owner.js';
import type { NetworkFacts, StaleNetwork, UndeterminedNetwork } from './networks.js';
import { ownerStatus } from './owner-status.js';

/**
 * The networks whose owner (a Compose project, a stack, a dockprobe run) no longer exists, each with what still holds
 * it and the commands that free it; and those whose owner this engine cannot judge, with why. A network no label
 * ties to an owner (made by hand, or the engine's own) is neither: nothing says it is stale.
 */
export function staleNetworks(facts: NetworkFacts): { stale: StaleNetwork[]; undetermined: UndeterminedNetwork[] } {
  const stale: StaleNetwork[] = [];
  const undetermined: UndeterminedNetwork[] = [];
  for (const n of [...facts.networks].sort((a, b) => a.name.localeCompare(b.name))) {
    const owner = networkOwner(n.labels);
    if (!owner) continue;
    const status = ownerStatus(owner, n.labels, facts);
    if (status.status === 'alive') continue;
    if (status.status === 'undetermined') {
      undetermined.push({ id: n.id, name: n.name, owner, why: status.why });
      continue;
    }
    const holders = networkHolders(n, facts, owner);
    stale.push({ id: n.id, name: n.name, driver: n.driver, scope: n.scope, owner, why: status.why, holders, steps: freeSteps(n, holders) });
  }
  return { stale, undetermined };
}
