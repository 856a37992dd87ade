import { freeSteps } from './free-steps.js';
import { networkHolders } from './network-holders.js';
import { networkOwners } from './network-owner.js';
import type { NetworkFacts, OwnerStatus, StaleNetwork, UndeterminedNetwork } from './networks.js';
import { ownerStatus } from './owner-status.js';

/**
 * The networks whose owner (a Compose project, a stack, a dockprobe run) no longer exists, each with what still holds
 * it and the commands that free it; and those whose owner this engine cannot judge, with why. A network no label
 * ties to an owner (made by hand, or the engine's own) is neither: nothing says it is stale. A network that names
 * several owners (a dockprobe run's Compose project) is stale only when every one of them is gone: a stack brought up
 * from a file that carries a run's labels still owns its network after the run is over.
 */
export function staleNetworks(facts: NetworkFacts): { stale: StaleNetwork[]; undetermined: UndeterminedNetwork[] } {
  const stale: StaleNetwork[] = [];
  const undetermined: UndeterminedNetwork[] = [];
  for (const n of [...facts.networks].sort((a, b) => a.name.localeCompare(b.name))) {
    const owners = networkOwners(n.labels);
    const owner = owners[0];
    if (!owner) continue;
    const status = combined(owners.map((o) => ownerStatus(o, n.labels, facts)));
    if (status.status === 'alive') continue;
    if (status.status === 'undetermined') {
      undetermined.push({ id: n.id, name: n.name, owner, why: status.why });
      continue;
    }
    const holders = networkHolders(n, facts, owners);
    stale.push({
      id: n.id,
      name: n.name,
      driver: n.driver,
      scope: n.scope,
      owner,
      why: status.why,
      holders,
      steps: freeSteps(n, holders),
    });
  }
  return { stale, undetermined };
}

// Alive if any owner is; undetermined if any cannot be judged; gone only when every one is, for all their reasons.
function combined(statuses: OwnerStatus[]): OwnerStatus {
  const alive = statuses.find((s) => s.status === 'alive');
  if (alive) return alive;
  const unsure = statuses.find((s) => s.status === 'undetermined');
  if (unsure) return unsure;
  return { status: 'gone', why: statuses.map((s) => s.why).join('; ') };
}
